import { BlockSweepKernel } from '../../math/index.js';
import type { BlockedMatrix, Panel } from './blocked-matrix.js';

/**
 * The two tile products of one sweep step (sweep.ts), which hold ~all of its flops:
 * `pivot` forms NegV_r = W_r · N for every block row r (N = −D⁻¹, one tile; W and Wt have one
 * tile per block row), and `update` then applies C(r, s) += NegV_r · Wt_s to every row panel
 * r and tile s ≤ r except the pivot's (r, s ≠ skip).
 */
export interface BlockUpdate {
  readonly name: 'ts' | 'wasm';
  readonly threads: number;
  pivot(w: Panel, wt: Panel, n: Panel, negV: Panel): void;
  update(skip: number): void;
  /** Releases helper threads, if any. */
  close(): Promise<void>;
}

/** C += A · Bt on b×b row-major tiles at the given offsets: the plain-TypeScript reference. */
export function tileMultiplyAddReference(c: Panel, cOff: number, a: Panel, aOff: number, bt: Panel, btOff: number, b: number): void {
  for (let i = 0; i < b; i++) {
    const ci = cOff + i * b;
    const ai = aOff + i * b;
    for (let t = 0; t < b; t++) {
      const x = a[ai + t]!;
      if (x === 0) continue;
      const bo = btOff + t * b;
      for (let j = 0; j < b; j++) c[ci + j] = c[ci + j]! + x * bt[bo + j]!;
    }
  }
}

/** The reference BlockUpdate, for either precision. */
export class ReferenceBlockUpdate implements BlockUpdate {
  readonly name = 'ts';
  readonly threads = 1;
  private negV: Panel | null = null;
  private wt: Panel | null = null;
  private readonly block: number;
  private readonly tiles: number;

  constructor(private readonly m: BlockedMatrix) {
    this.block = m.block;
    this.tiles = m.tiles;
  }

  pivot(w: Panel, wt: Panel, n: Panel, negV: Panel): void {
    const tile = this.block * this.block;
    negV.fill(0, 0, this.tiles * tile);
    for (let r = 0; r < this.tiles; r++) tileMultiplyAddReference(negV, r * tile, w, r * tile, n, 0, this.block);
    this.negV = negV;
    this.wt = wt;
  }

  update(skip: number): void {
    const b = this.block;
    const tile = b * b;
    for (let r = 0; r < this.tiles; r++) {
      if (r === skip) continue;
      const panel = this.m.panels[r]!;
      for (let s = 0; s <= r; s++) {
        if (s !== skip) tileMultiplyAddReference(panel, s * tile, this.negV!, r * tile, this.wt!, s * tile, b);
      }
    }
  }

  async close(): Promise<void> {}
}

/** The WASM SIMD BlockUpdate (f32 only), on `threads` threads when the panels are shared. */
export class WasmBlockUpdate implements BlockUpdate {
  readonly name = 'wasm';

  private constructor(private readonly kernel: BlockSweepKernel) {}

  /** Null when WASM is off (MAGPIE_KERNELS=js), unavailable, or cannot take this matrix. */
  static async create(m: BlockedMatrix, threads = 1): Promise<WasmBlockUpdate | null> {
    if (m.precision !== 'f32') return null;
    const kernel = await BlockSweepKernel.create(m.block, m.panels as Float32Array[], threads);
    return kernel ? new WasmBlockUpdate(kernel) : null;
  }

  get threads(): number {
    return this.kernel.threads;
  }

  pivot(w: Panel, wt: Panel, n: Panel, negV: Panel): void {
    this.kernel.pivot(w as Float32Array, wt as Float32Array, n as Float32Array, negV as Float32Array);
  }

  update(skip: number): void {
    this.kernel.update(skip);
  }

  close(): Promise<void> {
    return this.kernel.close();
  }
}

/**
 * The fastest update that can run on `m`: WASM SIMD for f32 (when available; on `threads`
 * threads if m's panels are shared), else the reference. Close it after use.
 */
export async function blockUpdateFor(m: BlockedMatrix, kernels: 'auto' | 'ts' = 'auto', threads = 1): Promise<BlockUpdate> {
  return (kernels === 'auto' ? await WasmBlockUpdate.create(m, threads) : null) ?? new ReferenceBlockUpdate(m);
}
