import type { UserQuery } from '../types.js';
import type { DecodedBundle } from '../../data/index.js';
import { sizedArray } from './model-bundle.js';

/**
 * Item-to-item weights as sparse CSR rows (row h: the items h points to, with weights): the
 * serving form of item-kNN's neighbour lists and of EASE's pruned B. A user's score for item j
 * is Σ_h weight(h) · row_h[j] over the history.
 */
export interface ItemRows {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** out[j] = Σ_h query weight(h) · rows[h][j] (0 for items no history row reaches). */
export function scoreByRows(rows: ItemRows, itemCount: number, query: UserQuery, out: Float32Array): void {
  out.fill(0);
  const { indptr, indices, values } = rows;
  for (let q = 0; q < query.items.length; q++) {
    const h = query.items[q]!;
    if (h < 0 || h >= itemCount) continue;
    const w = query.weights[q]!;
    for (let k = indptr[h]!; k < indptr[h + 1]!; k++) out[indices[k]!] = out[indices[k]!]! + w * values[k]!;
  }
}

/** The history entry with the largest positive term weight(h) · rows[h][item], or −1. */
export function explainByRows(rows: ItemRows, itemCount: number, query: UserQuery, item: number): number {
  const { indptr, indices, values } = rows;
  let best = -1;
  let bestContribution = 0;
  for (let q = 0; q < query.items.length; q++) {
    const h = query.items[q]!;
    if (h < 0 || h >= itemCount) continue;
    for (let k = indptr[h]!; k < indptr[h + 1]!; k++) {
      if (indices[k] !== item) continue;
      const c = query.weights[q]! * values[k]!;
      if (c > bestContribution) {
        bestContribution = c;
        best = q;
      }
      break;
    }
  }
  return best;
}

/** The arrays a model bundle stores for the rows. */
export function rowArrays(rows: ItemRows): Record<string, Int32Array | Float32Array> {
  return { indptr: rows.indptr, indices: rows.indices, values: rows.values };
}

/** Rows read back from a model bundle, their lengths checked against the item count. */
export function rowsFromBundle(bundle: DecodedBundle, itemCount: number): ItemRows {
  const indptr = sizedArray(bundle, 'indptr', Int32Array, itemCount + 1);
  const total = indptr[itemCount]!;
  return { indptr, indices: sizedArray(bundle, 'indices', Int32Array, total), values: sizedArray(bundle, 'values', Float32Array, total) };
}
