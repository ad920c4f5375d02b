import { MagpieError } from '../../core/index.js';
import { dot, type Vec } from '../blas.js';
import { rowNorms } from '../normalize.js';
import type { ScoredList } from '../score-heap.js';
import { ExactVectorIndex } from './exact-index.js';
import type { HnswParams, VectorIndex, VectorMetric } from './types.js';
import { newNativeIndex, type NativeIndex } from './usearch-native.js';
import { checkQuery, checkVectors, EMPTY_LIST, queryNorm, sortScored } from './vectors.js';

/**
 * Chosen with bench/ann.mts on iALS item factors of Gowalla (41k items × 128, k = 100): with
 * usearch's own graph defaults (M 16, efConstruction 128) inner-product HNSW stays below
 * recall@100 0.9 even at efSearch 800; M 64 with efConstruction 200 reaches 0.986 at efSearch
 * 200 and 0.989 at 256, the default, which leaves a margin over 0.98.
 */
export const DEFAULT_HNSW_PARAMS: Readonly<HnswParams> = Object.freeze({
  connectivity: 64,
  expansionAdd: 200,
  expansionSearch: 256,
  buildThreads: 1,
});

/**
 * Approximate search over an HNSW graph (Malkov & Yashunin 2018) built by usearch, with the
 * inner product itself as the graph's similarity (ip-NSW, Morozov & Babenko 2018) or the cosine.
 * Returned scores are recomputed exactly from the item vectors, which the index keeps a
 * reference to (do not mutate them). Built single-threaded in item order by default, so the same
 * vectors and parameters give the same graph and the same answers. Searches run on the calling
 * thread. The build is synchronous and takes seconds for tens of thousands of items: build
 * where blocking is acceptable (a training job, a worker thread).
 */
export class UsearchVectorIndex implements VectorIndex {
  readonly kind = 'hnsw';
  readonly connectivity: number;
  readonly expansionAdd: number;
  /** efSearch; may be changed between searches (the graph does not depend on it). */
  expansionSearch: number;
  /** Items in the graph: all of them, minus all-zero vectors under 'cos'. */
  readonly indexed: number;
  private readonly native: NativeIndex | null;
  private readonly vectors: Float32Array;
  private readonly norms: Float64Array | null;
  private readonly query32: Float32Array;
  private exactFallback: ExactVectorIndex | null = null;

  constructor(
    vectors: Float32Array,
    readonly size: number,
    readonly dim: number,
    readonly metric: VectorMetric = 'ip',
    params: Partial<HnswParams> = {},
  ) {
    checkVectors(vectors, size, dim);
    const p = { ...DEFAULT_HNSW_PARAMS, ...params };
    checkParam('connectivity', p.connectivity, 2);
    checkParam('expansionAdd', p.expansionAdd, 1);
    checkParam('expansionSearch', p.expansionSearch, 1);
    checkParam('buildThreads', p.buildThreads, 1);
    this.connectivity = p.connectivity;
    this.expansionAdd = p.expansionAdd;
    this.expansionSearch = p.expansionSearch;
    this.vectors = vectors.subarray(0, size * dim);
    this.norms = metric === 'cos' ? new Float64Array(size) : null;
    if (this.norms) rowNorms(this.vectors, size, dim, this.norms);
    this.query32 = new Float32Array(dim);
    const items = this.graphItems();
    this.indexed = items.length;
    this.native = items.length === 0 ? null : this.build(items, p.buildThreads);
  }

  search(query: Vec, k: number, exclude?: (item: number) => boolean): ScoredList {
    checkQuery(query, this.dim);
    if (this.native === null || !(k >= 1)) return EMPTY_LIST;
    const want = Math.min(Math.floor(k), this.indexed);
    let qn = 1;
    if (this.norms) {
      qn = queryNorm(query);
      if (qn === 0) return EMPTY_LIST;
    }
    this.query32.set(query);
    // Over-fetch and filter: ask for more candidates until `want` survive the exclusion. A
    // request covering the whole graph is answered by a scan instead, which also guarantees k
    // results when most items are excluded.
    let fetch = Math.max(this.expansionSearch, want);
    for (;;) {
      if (fetch >= this.indexed) return this.exactIndex().search(query, k, exclude);
      const keys = this.native.search(this.query32, fetch, 1).keys;
      const indices: number[] = [];
      const scores: number[] = [];
      for (let j = 0; j < keys.length && indices.length < want; j++) {
        const item = Number(keys[j]!);
        if (exclude?.(item)) continue;
        indices.push(item);
        scores.push(this.score(item, qn));
      }
      if (indices.length === want) return sortScored(indices, scores);
      if (keys.length < fetch) return this.exactIndex().search(query, k, exclude); // graph ran dry
      fetch *= 2;
    }
  }

  /** The metric for one item, exactly, rounded to f32 like the exact index's scores. */
  private score(item: number, qn: number): number {
    const d = dot(this.query32, 0, this.vectors, item * this.dim, this.dim);
    return Math.fround(this.norms ? d / (qn * this.norms[item]!) : d);
  }

  private graphItems(): Int32Array {
    const all = Int32Array.from({ length: this.size }, (_, i) => i);
    const norms = this.norms;
    return norms ? all.filter((i) => norms[i]! > 0) : all;
  }

  private build(items: Int32Array, threads: number): NativeIndex {
    const native = newNativeIndex({
      dimensions: this.dim,
      metric: this.metric,
      quantization: 'f32',
      connectivity: this.connectivity,
      expansion_add: this.expansionAdd,
      // usearch explores max(this, k) candidates; 1 lets each search's fetch alone decide, so
      // lowering expansionSearch after the build takes effect.
      expansion_search: 1,
      multi: false,
    });
    const rows = items.length === this.size ? this.vectors : gatherRows(this.vectors, items, this.dim);
    native.add(BigUint64Array.from(items, (i) => BigInt(i)), rows, threads);
    return native;
  }

  /** An exact index over the same vectors (built on first use): the fallback and the reference. */
  exactIndex(): ExactVectorIndex {
    return (this.exactFallback ??= new ExactVectorIndex(this.vectors, this.size, this.dim, this.metric));
  }
}

function checkParam(name: keyof HnswParams, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new MagpieError('VALIDATION_FAILED', `HNSW ${name} must be an integer ≥ ${min}, got ${value}`, { [name]: value });
  }
}

function gatherRows(vectors: Float32Array, items: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(items.length * dim);
  items.forEach((item, r) => out.set(vectors.subarray(item * dim, (item + 1) * dim), r * dim));
  return out;
}
