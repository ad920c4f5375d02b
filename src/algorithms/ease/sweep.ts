import { choleskyFactor, choleskySolve } from '../../math/index.js';
import type { BlockUpdate } from './block-update.js';
import type { BlockedMatrix, Panel } from './blocked-matrix.js';

export interface SweepOptions {
  update: BlockUpdate;
  /** Called after each pivot with (pivots done, pivots); may throw to abort. */
  onPivot?: ((done: number, total: number) => void | Promise<void>) | undefined;
}

/**
 * In-place inversion of a symmetric positive-definite BlockedMatrix by the block sweep
 * operator (Goodnight 1979, "A Tutorial on the SWEEP Operator"; block Gauss-Jordan
 * elimination without pivoting, which SPD matrices need none of). Sweeping pivot block K with
 * D = A_KK:
 *
 *   A_RS ← A_RS − A_RK D⁻¹ A_KS   (R, S ≠ K)      A_RK ← A_RK D⁻¹      A_KK ← −D⁻¹
 *
 * and after every pivot has been swept the matrix holds −A⁻¹. It costs n³ flops, as a
 * Cholesky factorisation (n³/3) followed by the inverse from the factor (2n³/3) does, but
 * every step is the same rank-b update of the whole (lower) matrix — one kernel to make fast
 * (BlockUpdate), the same shape as the trailing update A22 −= L21·L21ᵀ of a right-looking
 * Cholesky, with equal work per step for progress reports. D is SPD at every step (a Schur
 * complement of an SPD matrix), so each small D⁻¹ comes from the reference Cholesky in f64.
 */
export async function sweepInvert(m: BlockedMatrix, options: SweepOptions): Promise<void> {
  const scratch = new SweepScratch(m);
  for (let k = 0; k < m.tiles; k++) {
    sweepPivot(m, k, options.update, scratch);
    await options.onPivot?.(k + 1, m.tiles);
  }
}

/** Flops of a full sweep by the usual count for an SPD inverse, n³ (as potrf + potri). */
export function sweepFlops(n: number): number {
  return n * n * n;
}

/** Work buffers reused across pivots: W, Wt, NegV (one tile per block row) and small tiles. */
export class SweepScratch {
  readonly w: Panel;
  readonly wt: Panel;
  readonly negV: Panel;
  /** −D⁻¹ in the matrix's precision. */
  readonly n: Panel;
  readonly d: Float64Array;
  readonly dInv: Float64Array;
  readonly column: Float64Array;

  constructor(m: BlockedMatrix) {
    const values = m.tiles * m.tileSize;
    const make = (length: number): Panel => (m.precision === 'f32' ? new Float32Array(length) : new Float64Array(length));
    this.w = make(values);
    this.wt = make(values);
    this.negV = make(values);
    this.n = make(m.tileSize);
    this.d = new Float64Array(m.tileSize);
    this.dInv = new Float64Array(m.tileSize);
    this.column = new Float64Array(m.block);
  }
}

/** Sweeps pivot block k (see sweepInvert). */
export function sweepPivot(m: BlockedMatrix, k: number, update: BlockUpdate, s: SweepScratch): void {
  const b = m.block;
  const tile = m.tileSize;
  const pivotPanel = m.panels[k]!;
  invertPivot(pivotPanel, k * tile, b, s);
  for (let t = 0; t < tile; t++) s.n[t] = -s.dInv[t]!;
  // W_r = A_rk: tile (r, k) below the pivot, the transpose of tile (k, r) left of it.
  for (let r = 0; r < m.tiles; r++) {
    const off = r * tile;
    if (r > k) {
      const panel = m.panels[r]!;
      s.w.set(panel.subarray(k * tile, (k + 1) * tile), off);
      transposeTile(panel, k * tile, s.wt, off, b);
    } else if (r < k) {
      s.wt.set(pivotPanel.subarray(off, off + tile), off);
      transposeTile(pivotPanel, off, s.w, off, b);
    } else {
      s.w.fill(0, off, off + tile);
      s.wt.fill(0, off, off + tile);
    }
  }
  update.pivot(s.w, s.wt, s.n, s.negV);
  update.update(k);
  // The pivot column becomes V = −NegV (the tiles left of the pivot hold V_rᵀ), the pivot −D⁻¹.
  for (let r = 0; r < m.tiles; r++) {
    const off = r * tile;
    if (r > k) {
      const panel = m.panels[r]!;
      for (let t = 0; t < tile; t++) panel[k * tile + t] = -s.negV[off + t]!;
    } else if (r < k) {
      for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) pivotPanel[off + j * b + i] = -s.negV[off + i * b + j]!;
    }
  }
  pivotPanel.set(s.n, k * tile);
}

/** s.dInv = D⁻¹ for D = the pivot tile's lower triangle (mirrored), via Cholesky in f64. */
function invertPivot(panel: Panel, off: number, b: number, s: SweepScratch): void {
  const { d, dInv, column } = s;
  for (let i = 0; i < b; i++) {
    for (let j = 0; j <= i; j++) {
      const x = panel[off + i * b + j]!;
      d[i * b + j] = x;
      d[j * b + i] = x;
    }
  }
  choleskyFactor(d, b);
  for (let j = 0; j < b; j++) {
    column.fill(0);
    column[j] = 1;
    choleskySolve(d, b, column);
    for (let i = 0; i < b; i++) dInv[i * b + j] = column[i]!;
  }
  // Symmetric up to rounding; make it exactly so, so the swept matrix stays symmetric.
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < i; j++) {
      const x = 0.5 * (dInv[i * b + j]! + dInv[j * b + i]!);
      dInv[i * b + j] = x;
      dInv[j * b + i] = x;
    }
  }
}

/** out tile = src tileᵀ. */
function transposeTile(src: Panel, srcOff: number, out: Panel, outOff: number, b: number): void {
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) out[outOff + j * b + i] = src[srcOff + i * b + j]!;
}
