import { topKOfCandidates, transpose, type Csr } from '../../math/index.js';
import type { ItemKnnParams } from './params.js';

/** Each item's neighbours as CSR rows, each row sorted by similarity, best first. */
export interface NeighbourLists {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/**
 * BM25 weights of a users × items matrix, reading each item as a document whose terms are the
 * users who interacted with it (the idea of the `implicit` library's bm25_weight, Robertson &
 * Zaragoza 2009 for BM25 itself): a user who interacted with many items says little about any
 * one of them (idf), and an item's weights are normalised by its popularity (document length).
 * The idf is the always-positive Lucene form log(1 + (N − df + ½)/(df + ½)).
 */
export function bm25Weights(x: Csr, k1: number, b: number): Csr {
  const nItems = x.cols;
  const itemLength = new Float64Array(nItems);
  for (let k = 0; k < x.indices.length; k++) itemLength[x.indices[k]!]! += x.values[k]!;
  let total = 0;
  for (let i = 0; i < nItems; i++) total += itemLength[i]!;
  const avgLength = total / Math.max(1, nItems) || 1;
  const values = new Float32Array(x.values.length);
  for (let u = 0; u < x.rows; u++) {
    const start = x.indptr[u]!;
    const end = x.indptr[u + 1]!;
    const df = end - start;
    const idf = Math.log(1 + (nItems - df + 0.5) / (df + 0.5));
    for (let k = start; k < end; k++) {
      const v = x.values[k]!;
      const lengthNorm = 1 - b + (b * itemLength[x.indices[k]!]!) / avgLength;
      values[k] = (idf * v * (k1 + 1)) / (v + k1 * lengthNorm);
    }
  }
  return { ...x, values };
}

/**
 * Top-`neighbors` similar items of every item. Co-occurrence X_iᵀX_j is accumulated item by
 * item through the users of i into a dense scratch row, touching only items that co-occur, so
 * the cost is Σ_u |items of u|² rather than items². Ties break towards the lower index.
 */
export function buildNeighbours(x: Csr, params: ItemKnnParams, onItem?: (done: number) => void): NeighbourLists {
  const weighted = params.similarity === 'bm25' ? bm25Weights(x, params.bm25K1, params.bm25B) : x;
  const byItem = transpose(weighted);
  const nItems = x.cols;
  const norms = new Float64Array(nItems);
  if (params.similarity === 'cosine') {
    for (let i = 0; i < nItems; i++) {
      let s = 0;
      for (let k = byItem.indptr[i]!; k < byItem.indptr[i + 1]!; k++) s += byItem.values[k]! ** 2;
      norms[i] = Math.sqrt(s);
    }
  }
  const acc = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  // stamp[j] === i + 1 marks j as touched for item i (robust even to zero-valued cells).
  const stamp = new Int32Array(nItems);
  const rows: { indices: Int32Array; scores: Float32Array }[] = [];
  let total = 0;
  for (let i = 0; i < nItems; i++) {
    let count = 0;
    for (let a = byItem.indptr[i]!; a < byItem.indptr[i + 1]!; a++) {
      const u = byItem.indices[a]!;
      const wi = byItem.values[a]!;
      for (let c = weighted.indptr[u]!; c < weighted.indptr[u + 1]!; c++) {
        const j = weighted.indices[c]!;
        if (stamp[j] !== i + 1) {
          stamp[j] = i + 1;
          touched[count++] = j;
        }
        acc[j]! += wi * weighted.values[c]!;
      }
    }
    // Turn co-occurrence into similarity; drop the item itself and non-positive entries.
    let kept = 0;
    for (let t = 0; t < count; t++) {
      const j = touched[t]!;
      let s = acc[j]!;
      if (params.similarity === 'cosine') s /= norms[i]! * norms[j]! + params.shrink;
      if (j !== i && s > 0) {
        acc[j] = s;
        touched[kept++] = j;
      } else {
        acc[j] = 0;
      }
    }
    const top = topKOfCandidates(touched, kept, acc, params.neighbors);
    for (let t = 0; t < kept; t++) acc[touched[t]!] = 0;
    rows.push(top);
    total += top.indices.length;
    if (onItem && (i & 1023) === 1023) onItem(i + 1);
  }
  const indptr = new Int32Array(nItems + 1);
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  for (let i = 0; i < nItems; i++) {
    const row = rows[i]!;
    indices.set(row.indices, indptr[i]!);
    values.set(row.scores, indptr[i]!);
    indptr[i + 1] = indptr[i]! + row.indices.length;
  }
  return { indptr, indices, values };
}
