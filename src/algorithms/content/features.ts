import { MagpieError } from '../../core/index.js';
import { featureKind, type ItemContent, type TrainingData } from '../../data/index.js';
import type { Csr } from '../../math/index.js';
import type { ContentFeatureParams } from './params.js';

/**
 * Items as weighted, unit-length content vectors: a sparse part over the kept features and,
 * where the caller supplied embeddings, a dense part. An item with both has
 * ‖text‖² = 1 − w and ‖embedding‖² = w (w = embeddingWeight), so the dot product of two such
 * items is (1 − w)·text cosine + w·embedding cosine; an item with only one part has that part at
 * unit length. Items without content are zero vectors.
 */
export interface ContentVectors {
  /** items × kept features. */
  readonly text: Csr;
  /** For each column of `text`, its feature id in the snapshot's vocabulary. */
  readonly featureIds: Int32Array;
  /** items × dim row-major, or null when no embedding is used. */
  readonly embeddings: Float32Array | null;
  readonly dim: number;
}

/** The snapshot's item content, or TRAINING_FAILED saying why a content-based model cannot train. */
export function requireContent(data: TrainingData, algorithm: string): ItemContent {
  const content = data.content;
  if (!content) {
    throw new MagpieError(
      'TRAINING_FAILED',
      `${algorithm} needs item content (categories, tags, text or embeddings), but the training snapshot has none: ` +
        'it was built from interactions only',
    );
  }
  if (content.features.rows !== data.items.size) {
    throw new MagpieError('TRAINING_FAILED', `item content has ${content.features.rows} rows for ${data.items.size} items`);
  }
  return content;
}

export function contentVectors(content: ItemContent, params: ContentFeatureParams): ContentVectors {
  const x = content.features;
  const n = x.rows;
  const df = new Int32Array(x.cols);
  for (let k = 0; k < x.indices.length; k++) if (x.values[k]! > 0) df[x.indices[k]!]!++;
  let docs = 0;
  for (let i = 0; i < n; i++) if (x.indptr[i + 1]! > x.indptr[i]!) docs++;

  const fieldWeight = (f: number): number => {
    const kind = featureKind(content.vocabulary[f] ?? '');
    return kind === 'category' ? params.categoryWeight : kind === 'tag' ? params.tagWeight : kind === 'word' ? params.textWeight : 1;
  };
  const featureIds = keptFeatures(df, fieldWeight, params);
  const column = new Int32Array(x.cols).fill(-1);
  featureIds.forEach((f, c) => (column[f] = c));
  const idf = Float64Array.from(featureIds, (f) =>
    params.weighting === 'bm25' ? Math.log(1 + (docs - df[f]! + 0.5) / (df[f]! + 0.5)) : Math.log(docs / df[f]!),
  );
  const scale = Float64Array.from(featureIds, (f) => fieldWeight(f));

  // Item lengths (BM25's document length) over the kept features only.
  const length = new Float64Array(n);
  let total = 0;
  let nonEmpty = 0;
  for (let i = 0; i < n; i++) {
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) if (column[x.indices[k]!]! >= 0) length[i]! += x.values[k]!;
    if (length[i]! > 0) {
      total += length[i]!;
      nonEmpty++;
    }
  }
  const avgLength = nonEmpty > 0 ? total / nonEmpty : 1;

  const emb = content.embeddings && params.embeddingWeight > 0 ? content.embeddings : null;
  const hasEmbedding = usableEmbeddings(emb, n);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const hasText = new Uint8Array(n);
  const { bm25K1: k1, bm25B: b } = params;
  for (let i = 0; i < n; i++) {
    const start = indices.length;
    let sq = 0;
    const lengthNorm = 1 - b + (b * length[i]!) / avgLength;
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      const c = column[x.indices[k]!]!;
      const tf = x.values[k]!;
      if (c < 0 || !(tf > 0)) continue;
      const saturated = params.weighting === 'bm25' ? (tf * (k1 + 1)) / (tf + k1 * lengthNorm) : 1 + Math.log(tf);
      const w = saturated * idf[c]! * scale[c]!;
      if (!(w > 0)) continue;
      indices.push(c);
      values.push(w);
      sq += w * w;
    }
    if (sq > 0) {
      hasText[i] = 1;
      // Unit length, or √(1 − w) when the item's embedding takes the share w.
      const share = hasEmbedding[i] ? 1 - params.embeddingWeight : 1;
      const f = Math.sqrt(share / sq);
      for (let t = start; t < values.length; t++) values[t]! *= f;
    }
    indptr[i + 1] = indices.length;
  }
  const text: Csr = { rows: n, cols: featureIds.length, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
  // csrFromTriples is not needed: each row's columns ascend because `column` preserves feature order.
  return { text, featureIds, ...embeddingPart(emb, hasEmbedding, hasText, params.embeddingWeight, n) };
}

/** Features held by at least minDocFrequency items and with a positive field weight; the maxFeatures most frequent when capped. */
function keptFeatures(df: Int32Array, fieldWeight: (f: number) => number, params: ContentFeatureParams): Int32Array {
  const candidates: number[] = [];
  for (let f = 0; f < df.length; f++) if (df[f]! >= params.minDocFrequency && fieldWeight(f) > 0) candidates.push(f);
  if (params.maxFeatures > 0 && candidates.length > params.maxFeatures) {
    candidates.sort((a, b) => df[b]! - df[a]! || a - b);
    candidates.length = params.maxFeatures;
  }
  return Int32Array.from(candidates).sort();
}

/** 1 where an item has an embedding of non-zero length. */
function usableEmbeddings(emb: ItemContent['embeddings'], n: number): Uint8Array {
  const usable = new Uint8Array(n);
  if (!emb) return usable;
  for (let i = 0; i < n; i++) if (emb.present[i] && squaredNorm(emb.vectors, i * emb.dim, emb.dim) > 0) usable[i] = 1;
  return usable;
}

function squaredNorm(v: Float32Array, off: number, d: number): number {
  let sq = 0;
  for (let t = 0; t < d; t++) sq += v[off + t]! ** 2;
  return sq;
}

function embeddingPart(
  emb: ItemContent['embeddings'],
  usable: Uint8Array,
  hasText: Uint8Array,
  weight: number,
  n: number,
): { embeddings: Float32Array | null; dim: number } {
  if (!emb || !usable.includes(1)) return { embeddings: null, dim: 0 };
  const d = emb.dim;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    if (!usable[i]) continue;
    const sq = squaredNorm(emb.vectors, i * d, d);
    const f = Math.sqrt((hasText[i] ? weight : 1) / sq);
    for (let t = 0; t < d; t++) out[i * d + t] = emb.vectors[i * d + t]! * f;
  }
  return { embeddings: out, dim: d };
}
