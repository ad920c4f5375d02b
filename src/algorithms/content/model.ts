import type { IdIndex } from '../../core/index.js';
import { gemv, topK, transpose, type Csr, type ScoredList } from '../../math/index.js';
import { decodeModel, encodeModel, extraNumber, sizedArray } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import type { ContentVectors } from './features.js';
import { contentParamsSchema, type ContentParams } from './params.js';

export const CONTENT = 'content';
const FORMAT = 1;

/**
 * A content-based model over unit-length item vectors z_i (features.ts). A user's score for
 * item i is Σ_h w_h·cos(z_h, z_i) over their history h with interaction weights w_h — computed as
 * z_i · p with the profile p = Σ_h w_h·z_h, which is the same number (cosine of unit vectors is
 * linear in each) at the cost of one pass over the profile's features' posting lists instead of
 * one similarity per history item.
 */
export class ContentModel implements Model {
  readonly algorithm = CONTENT;
  /** features × items: the posting list of each feature. */
  private readonly postings: Csr;
  private readonly profile: Float64Array;
  private readonly touched: Int32Array;
  private readonly stamp: Uint8Array;
  private readonly embeddingProfile: Float64Array;
  private readonly acc: Float64Array;
  private readonly dense: Float32Array;

  constructor(
    readonly params: Readonly<ContentParams>,
    readonly items: IdIndex,
    readonly vectors: ContentVectors,
  ) {
    this.postings = transpose(vectors.text);
    this.profile = new Float64Array(vectors.text.cols);
    this.touched = new Int32Array(vectors.text.cols);
    this.stamp = new Uint8Array(vectors.text.cols);
    this.embeddingProfile = new Float64Array(vectors.dim);
    this.acc = new Float64Array(items.size);
    this.dense = new Float32Array(items.size);
  }

  scoreUser(query: UserQuery, out: Float32Array): void {
    this.scoreProfile(query.items, query.weights, out);
  }

  /** Content cosine to every other item; only items sharing something (cosine > 0) are returned. */
  similarItems(item: number, k: number): ScoredList {
    const n = this.items.size;
    if (item < 0 || item >= n) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const sims = new Float32Array(n);
    this.scoreProfile(Int32Array.of(item), Float32Array.of(1), sims);
    for (let j = 0; j < n; j++) if (!(sims[j]! > 0)) sims[j] = -Infinity;
    return topK(sims, k, (j) => j === item);
  }

  /** The history entry with the largest term w_h·cos(h, item) of the item's score, or -1. */
  explain(query: UserQuery, item: number): number {
    const n = this.items.size;
    if (item < 0 || item >= n) return -1;
    let best = -1;
    let bestContribution = 0;
    for (let q = 0; q < query.items.length; q++) {
      const h = query.items[q]!;
      if (h < 0 || h >= n || h === item) continue;
      const c = query.weights[q]! * this.cosine(h, item);
      if (c > bestContribution) {
        bestContribution = c;
        best = q;
      }
    }
    return best;
  }

  /** z_a · z_b: a merge of two sorted sparse rows plus the embedding dot. */
  cosine(a: number, b: number): number {
    const { indptr, indices, values } = this.vectors.text;
    let s = 0;
    let p = indptr[a]!;
    let q = indptr[b]!;
    const pEnd = indptr[a + 1]!;
    const qEnd = indptr[b + 1]!;
    while (p < pEnd && q < qEnd) {
      const fa = indices[p]!;
      const fb = indices[q]!;
      if (fa === fb) s += values[p++]! * values[q++]!;
      else if (fa < fb) p++;
      else q++;
    }
    const e = this.vectors.embeddings;
    const d = this.vectors.dim;
    if (e) for (let t = 0; t < d; t++) s += e[a * d + t]! * e[b * d + t]!;
    return s;
  }

  /** out[i] = z_i · Σ_q w_q·z_{items[q]}. */
  private scoreProfile(items: Int32Array, weights: Float32Array, out: Float32Array): void {
    const n = this.items.size;
    const { text, embeddings, dim } = this.vectors;
    const { profile, touched, stamp, acc } = this;
    let count = 0;
    this.embeddingProfile.fill(0);
    for (let q = 0; q < items.length; q++) {
      const h = items[q]!;
      if (h < 0 || h >= n) continue;
      const w = weights[q]!;
      for (let k = text.indptr[h]!; k < text.indptr[h + 1]!; k++) {
        const f = text.indices[k]!;
        if (!stamp[f]) {
          stamp[f] = 1;
          touched[count++] = f;
        }
        profile[f]! += w * text.values[k]!;
      }
      if (embeddings) for (let t = 0; t < dim; t++) this.embeddingProfile[t]! += w * embeddings[h * dim + t]!;
    }
    acc.fill(0);
    const { indptr, indices, values } = this.postings;
    // Features in ascending order, so the sum's rounding does not depend on the history's order.
    touched.subarray(0, count).sort();
    for (let c = 0; c < count; c++) {
      const f = touched[c]!;
      const p = profile[f]!;
      profile[f] = 0;
      stamp[f] = 0;
      if (p === 0) continue;
      for (let k = indptr[f]!; k < indptr[f + 1]!; k++) acc[indices[k]!]! += p * values[k]!;
    }
    if (embeddings) {
      gemv(n, dim, 1, embeddings, this.embeddingProfile, 0, this.dense);
      for (let i = 0; i < n; i++) acc[i]! += this.dense[i]!;
    }
    for (let i = 0; i < n; i++) out[i] = acc[i]!;
  }

  serialize(): Uint8Array {
    const { text, featureIds, embeddings, dim } = this.vectors;
    return encodeModel({
      algorithm: CONTENT,
      format: FORMAT,
      params: this.params,
      extra: { features: text.cols, dim },
      items: this.items,
      arrays: {
        indptr: text.indptr,
        indices: text.indices,
        values: text.values,
        featureIds,
        ...(embeddings ? { embeddings } : {}),
      },
    });
  }

  static deserialize(bytes: Uint8Array): ContentModel {
    const m = decodeModel(bytes, CONTENT, FORMAT, contentParamsSchema);
    const n = m.items.size;
    const cols = extraNumber(m.extra, 'features');
    const dim = extraNumber(m.extra, 'dim');
    const indptr = sizedArray(m.bundle, 'indptr', Int32Array, n + 1);
    const nnz = indptr[n]!;
    const text: Csr = {
      rows: n,
      cols,
      indptr,
      indices: sizedArray(m.bundle, 'indices', Int32Array, nnz),
      values: sizedArray(m.bundle, 'values', Float32Array, nnz),
    };
    const embeddings = m.bundle.arrays['embeddings'] ? sizedArray(m.bundle, 'embeddings', Float32Array, n * dim) : null;
    const featureIds = sizedArray(m.bundle, 'featureIds', Int32Array, cols);
    return new ContentModel(m.params, m.items, { text, featureIds, embeddings, dim: embeddings ? dim : 0 });
  }
}
