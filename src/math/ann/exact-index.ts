import type { Vec } from '../blas.js';
import { normalizeRows, rowNorms } from '../normalize.js';
import type { ScoredList } from '../score-heap.js';
import { topK } from '../topk.js';
import { DenseScorer } from '../wasm/index.js';
import type { VectorIndex, VectorMetric } from './types.js';
import { checkQuery, checkVectors, EMPTY_LIST, queryNorm } from './vectors.js';

/**
 * Brute force: scores every item with the WASM SIMD dense scorer and keeps the top k with a
 * heap. Exact by construction, O(size·dim) per query — the reference the HNSW index is measured
 * against, and the faster choice for small catalogues.
 */
export class ExactVectorIndex implements VectorIndex {
  readonly kind = 'exact';
  private readonly scorer: DenseScorer;
  private readonly scores: Float32Array;
  /** Under 'cos': which items have a zero vector (never returned). */
  private readonly zero: Uint8Array | null = null;

  constructor(
    vectors: Float32Array,
    readonly size: number,
    readonly dim: number,
    readonly metric: VectorMetric = 'ip',
  ) {
    checkVectors(vectors, size, dim);
    let rows = vectors.subarray(0, size * dim);
    if (metric === 'cos') {
      // Unit rows turn the dot product into the cosine up to the query's norm.
      rows = rows.slice();
      const norms = rowNorms(rows, size, dim);
      this.zero = Uint8Array.from(norms, (n) => (n === 0 ? 1 : 0));
      normalizeRows(rows, size, dim);
    }
    this.scorer = new DenseScorer(rows, size, dim);
    this.scores = new Float32Array(size);
  }

  search(query: Vec, k: number, exclude?: (item: number) => boolean): ScoredList {
    checkQuery(query, this.dim);
    if (this.size === 0 || !(k >= 1)) return EMPTY_LIST;
    const out = this.scores;
    this.scorer.score(query, out);
    if (this.metric === 'cos') {
      const qn = queryNorm(query);
      if (qn === 0) return EMPTY_LIST;
      const zero = this.zero!;
      for (let i = 0; i < this.size; i++) out[i] = zero[i] ? -Infinity : out[i]! / qn;
    }
    return topK(out, Math.min(Math.floor(k), this.size), exclude);
  }
}
