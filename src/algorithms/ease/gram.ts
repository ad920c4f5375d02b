import type { Csr } from '../../math/index.js';
import { BlockedMatrix, type Precision } from './blocked-matrix.js';

/** Which items the dense model covers: position p ↔ item kept[p]; position[i] = −1 if left out. */
export interface ItemSelection {
  readonly kept: Int32Array;
  readonly position: Int32Array;
}

/**
 * The `maxItems` items with the most interactions (ties towards the lower index), most
 * interacted first; never an item without interactions. The dense solve costs n³, so at large catalogues only the head of the
 * popularity curve gets a model; the tail is never recommended by EASE (score 0).
 */
export function selectItems(x: Csr, maxItems: number): ItemSelection {
  const counts = new Int32Array(x.cols);
  for (let k = 0; k < x.indices.length; k++) counts[x.indices[k]!]!++;
  const order = Int32Array.from({ length: x.cols }, (_, i) => i);
  order.sort((a, b) => counts[b]! - counts[a]! || a - b);
  // Items nobody interacted with would only add empty rows and columns.
  let interacted = 0;
  while (interacted < x.cols && counts[order[interacted]!]! > 0) interacted++;
  const kept = order.slice(0, Math.min(maxItems, interacted));
  const position = new Int32Array(x.cols).fill(-1);
  for (let p = 0; p < kept.length; p++) position[kept[p]!] = p;
  return { kept, position };
}

/**
 * G = XᵀX + λI over the selected items (Steck 2019), accumulated user by user so the
 * cost is Σ_u |items of u|² / 2 rather than items². Interaction values are used as they are
 * (1 for binary data).
 */
export function buildGram(
  x: Csr,
  selection: ItemSelection,
  lambda: number,
  block: number,
  precision: Precision,
  shared = false,
): BlockedMatrix {
  const n = selection.kept.length;
  const m = new BlockedMatrix(n, block, precision, shared);
  // offset(r, c) = rowPart[r] + colPart[c] inside panel ⌊r/b⌋, for r ≥ c.
  const rowPart = new Int32Array(n);
  const colPart = new Int32Array(n);
  const panelOf = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    panelOf[p] = Math.floor(p / block);
    rowPart[p] = (p % block) * block;
    colPart[p] = panelOf[p]! * m.tileSize + (p % block);
  }
  const pos = new Int32Array(x.cols);
  const val = new Float64Array(x.cols);
  for (let u = 0; u < x.rows; u++) {
    let count = 0;
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
      const p = selection.position[x.indices[k]!]!;
      if (p < 0) continue;
      pos[count] = p;
      val[count++] = x.values[k]!;
    }
    for (let a = 0; a < count; a++) {
      const pa = pos[a]!;
      const va = val[a]!;
      for (let c = 0; c <= a; c++) {
        const pc = pos[c]!;
        const r = pa >= pc ? pa : pc;
        const q = pa + pc - r;
        const panel = m.panels[panelOf[r]!]!;
        const o = rowPart[r]! + colPart[q]!;
        panel[o] = panel[o]! + va * val[c]!;
      }
    }
  }
  for (let p = 0; p < n; p++) {
    const panel = m.panels[panelOf[p]!]!;
    const o = rowPart[p]! + colPart[p]!;
    panel[o] = panel[o]! + lambda;
  }
  mirrorDiagonalTiles(m);
  return m;
}

/** Copies each diagonal tile's lower triangle onto its upper one. */
function mirrorDiagonalTiles(m: BlockedMatrix): void {
  const b = m.block;
  for (let r = 0; r < m.tiles; r++) {
    const panel = m.panels[r]!;
    const off = r * m.tileSize;
    for (let i = 0; i < b; i++) for (let j = 0; j < i; j++) panel[off + j * b + i] = panel[off + i * b + j]!;
  }
}
