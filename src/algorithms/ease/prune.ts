import { topKOfCandidates } from '../../math/index.js';
import type { BlockedMatrix } from './blocked-matrix.js';
import type { ItemSelection } from './gram.js';

/**
 * The kept part of EASE's weight matrix B as one sparse row per item (in the training data's
 * item indices): row h lists the items j whose score an interaction with h raises (or, for
 * negative weights, lowers) by B_hj, sorted by weight, largest first. Items outside the
 * selection have empty rows and appear in no row.
 */
export interface ItemWeights {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Which weights a pruned row keeps: the largest by absolute value, or by value. */
export type PruneBy = 'magnitude' | 'value';

/**
 * From the swept matrix (which holds −P, P = G⁻¹) to B's pruned rows. B_hj = −P_hj / P_jj for
 * j ≠ h, B_hh = 0 (Steck 2019). A dense n×n B cannot be kept at catalogue scale (41k²
 * f32 = 6.7 GB), so each row keeps only its `keep` largest weights — by absolute value
 * (`by` = 'magnitude': the large positive and negative ones that decide rankings) or by value
 * (the largest positive ones; on Gowalla at 10,000 items and keep 300, Recall@20 0.1593 against
 * 0.1604 by magnitude). A pruning: bench/ease.mts measures what it costs in Recall@20.
 */
export async function pruneWeights(
  m: BlockedMatrix,
  selection: ItemSelection,
  items: number,
  keep: number,
  by: PruneBy = 'magnitude',
  onPanel?: (done: number, total: number) => void | Promise<void>,
): Promise<ItemWeights> {
  const n = m.n;
  const b = m.block;
  const tile = m.tileSize;
  // 1 / P_jj = −1 / (swept)_jj, positive; B_hj = −P_hj / P_jj = (swept)_hj / P_jj.
  const scale = new Float64Array(n);
  for (let j = 0; j < n; j++) scale[j] = -1 / m.get(j, j);
  const rows = new Float64Array(b * m.padded);
  const weight = new Float64Array(n);
  const key = new Float64Array(n);
  const candidates = new Int32Array(n);
  const kept: { indices: Int32Array; values: Float32Array }[] = [];
  for (let h = 0; h < m.tiles; h++) {
    // Rows h·b … h·b + b − 1 of the symmetric matrix, whole: tiles (h, c ≤ h) as stored (the
    // diagonal tile by its lower triangle), then tiles (c > h, h) transposed.
    const panel = m.panels[h]!;
    for (let i = 0; i < b; i++) {
      const out = i * m.padded;
      for (let c = 0; c < h; c++) rows.set(panel.subarray(c * tile + i * b, c * tile + i * b + b), out + c * b);
      for (let j = 0; j < b; j++) rows[out + h * b + j] = j <= i ? panel[h * tile + i * b + j]! : panel[h * tile + j * b + i]!;
    }
    for (let c = h + 1; c < m.tiles; c++) {
      const below = m.panels[c]!;
      for (let j = 0; j < b; j++) for (let i = 0; i < b; i++) rows[i * m.padded + c * b + j] = below[h * tile + j * b + i]!;
    }
    for (let i = 0; i < b && h * b + i < n; i++) {
      const row = h * b + i;
      const out = i * m.padded;
      let count = 0;
      for (let j = 0; j < n; j++) {
        const w = rows[out + j]! * scale[j]!;
        if (j === row || w === 0) continue;
        weight[j] = w;
        key[j] = by === 'magnitude' ? Math.abs(w) : w;
        candidates[count++] = j;
      }
      kept.push(largestFirst(topKOfCandidates(candidates, count, key, keep).indices, weight, selection, by));
    }
    await onPanel?.(h + 1, m.tiles);
  }
  return assemble(kept, selection, items);
}

/**
 * The row in the order scoring and similarItems read, largest weight first. `top` comes best
 * first by the selection key: by magnitude that is the positive weights in descending order
 * mixed with the negative ones in ascending order, so the positives in turn followed by the
 * negatives reversed are sorted (by value, the selection order already is).
 */
function largestFirst(
  top: Int32Array,
  weight: Float64Array,
  selection: ItemSelection,
  by: PruneBy,
): { indices: Int32Array; values: Float32Array } {
  const indices = new Int32Array(top.length);
  const values = new Float32Array(top.length);
  let front = 0;
  let back = top.length;
  for (const j of top) {
    const w = weight[j]!;
    const at = by === 'value' || w > 0 ? front++ : --back;
    indices[at] = selection.kept[j]!;
    values[at] = w;
  }
  // The negatives were placed from the back, so they already read ascending in magnitude.
  return { indices, values };
}

function assemble(kept: { indices: Int32Array; values: Float32Array }[], selection: ItemSelection, items: number): ItemWeights {
  const indptr = new Int32Array(items + 1);
  for (let i = 0; i < items; i++) {
    const p = selection.position[i]!;
    indptr[i + 1] = indptr[i]! + (p < 0 ? 0 : kept[p]!.indices.length);
  }
  const indices = new Int32Array(indptr[items]!);
  const values = new Float32Array(indptr[items]!);
  for (let i = 0; i < items; i++) {
    const p = selection.position[i]!;
    if (p < 0) continue;
    indices.set(kept[p]!.indices, indptr[i]!);
    values.set(kept[p]!.values, indptr[i]!);
  }
  return { indptr, indices, values };
}
