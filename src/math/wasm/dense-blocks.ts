import { Worker } from 'node:worker_threads';
import { KernelMemory } from './kernel-memory.js';

/** The exports of assembly/dense.ts (re-exported by assembly/kernels.ts). */
interface DenseExports {
  tilesMultiplyAddF32(c: number, cStride: number, a: number, aStride: number, bt: number, btStride: number, count: number, b: number): void;
}

/** KernelMemory is one space of at most 2 GiB (MAXIMUM_PAGES); keep well inside it. */
const MAX_BYTES = 1.5 * 2 ** 30;
const OP_STOP = 0;
const OP_UPDATE = 1;

/**
 * C(r, s) += NegV_r · Wt_s for tiles s = 0 … r of row panel r except `skip`: copy the panel
 * into this thread's buffer, two kernel calls around the skipped tile, copy back. The same
 * source runs on the calling thread and in the helpers (WORKER_SOURCE), so the rounding is
 * the same whichever thread updates a panel.
 */
const UPDATE_PANEL = `function updatePanel(k, memory, panel, r, skip, block, bufferPtr, wtPtr, negVPtr) {
  const tileValues = block * block;
  const t = 4 * tileValues;
  const length = (r + 1) * tileValues;
  const inside = new Float32Array(memory.buffer, bufferPtr, length);
  inside.set(panel.subarray(0, length));
  const negV = negVPtr + r * t;
  const before = Math.min(skip, r + 1);
  if (before > 0) k.tilesMultiplyAddF32(bufferPtr, t, negV, 0, wtPtr, t, before, block);
  const after = r - skip;
  if (after > 0) k.tilesMultiplyAddF32(bufferPtr + (skip + 1) * t, t, negV, 0, wtPtr + (skip + 1) * t, t, after, block);
  panel.set(inside);
}`;

type UpdatePanel = (
  k: DenseExports, memory: WebAssembly.Memory, panel: Float32Array, r: number, skip: number,
  block: number, bufferPtr: number, wtPtr: number, negVPtr: number,
) => void;
const updatePanel = new Function(`${UPDATE_PANEL}; return updatePanel;`)() as UpdatePanel;

/** A helper: waits on its control word, updates the row panels [first, end) it is sent. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, args, slot, panels, block, bufferPtr, wtPtr, negVPtr } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const views = panels.map((p) => new Float32Array(p));
${UPDATE_PANEL}
parentPort.postMessage('ready');
const ctl = new Int32Array(control);
const a = new Float64Array(args);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 2 * slot, seen);
  seen = Atomics.load(ctl, 2 * slot);
  const op = a[4 * slot];
  if (op === ${OP_STOP}) break;
  let outcome = seen;
  try {
    const skip = a[4 * slot + 1];
    for (let r = a[4 * slot + 2]; r < a[4 * slot + 3]; r++) {
      if (r !== skip) updatePanel(k, memory, views[r], r, skip, block, bufferPtr, wtPtr, negVPtr);
    }
  } catch (err) {
    outcome = -seen;
  }
  Atomics.store(ctl, 2 * slot + 1, outcome);
  Atomics.notify(ctl, 2 * slot + 1);
}
`;

/**
 * The two products of one block sweep step (src/algorithms/ease/sweep.ts) over b×b f32 tiles,
 * with the WASM SIMD kernel tilesMultiplyAddF32 (assembly/dense.ts):
 *
 *   pivot:   NegV_r = W_r · N for every block row r (N = −D⁻¹ of the pivot block)
 *   update:  C(r, s) += NegV_r · Wt_s for every row panel r ≠ k and tile s ≤ r, s ≠ k
 *
 * The matrix lives outside WASM memory (several GB at Gowalla scale, in many arrays), so the
 * pivot's operands are copied in once per pivot and each row panel is copied in, updated and
 * copied back: 2b flops per value moved, a few per cent of the time at b = 128. With more than
 * one thread the panels (then on SharedArrayBuffers) are split into contiguous ranges of equal
 * work, one per thread, each with its own buffer in the shared memory; a panel's result does
 * not depend on which thread updates it. The plain-TS reference is ReferenceBlockUpdate in
 * src/algorithms/ease/block-update.ts.
 */
export class BlockSweepKernel {
  private readonly tileValues: number;
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private sequence = 0;

  private constructor(
    private readonly mem: KernelMemory,
    private readonly exports: DenseExports,
    readonly block: number,
    private readonly panels: readonly Float32Array[],
    /** One panel buffer per thread; buffer 0 also holds W while a pivot is computed. */
    private readonly bufferPtrs: readonly number[],
    private readonly wtPtr: number,
    private readonly negVPtr: number,
    private readonly nPtr: number,
  ) {
    this.tileValues = block * block;
    const helpers = bufferPtrs.length - 1;
    this.control = new Int32Array(new SharedArrayBuffer(8 * Math.max(1, helpers)));
    this.args = new Float64Array(new SharedArrayBuffer(32 * Math.max(1, helpers)));
    for (let slot = 0; slot < helpers; slot++) {
      const workerData = {
        module: mem.module, memory: mem.memory, control: this.control.buffer, args: this.args.buffer, slot,
        panels: panels.map((p) => p.buffer), block, bufferPtr: bufferPtrs[slot + 1], wtPtr, negVPtr,
      };
      this.workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData }));
    }
  }

  get tiles(): number {
    return this.panels.length;
  }

  get threads(): number {
    return this.bufferPtrs.length;
  }

  /**
   * A kernel for the row panels of a matrix of tiles of side `block` (panel r holds r + 1
   * tiles), or null when the WASM kernels are off or lack tilesMultiplyAddF32, the block is not
   * a multiple of 8 (the kernel's register tile), or the buffers would not fit. With threads > 1
   * every panel must be a whole SharedArrayBuffer.
   */
  static async create(block: number, panels: readonly Float32Array[], threads = 1): Promise<BlockSweepKernel | null> {
    const tiles = panels.length;
    if (block % 8 !== 0 || tiles < 1) return null;
    const shared = panels.every((p) => p.buffer instanceof SharedArrayBuffer && p.byteOffset === 0);
    const count = shared ? Math.max(1, Math.floor(threads)) : 1;
    const panelBytes = 4 * block * block * tiles;
    if ((2 + count) * panelBytes > MAX_BYTES) return null;
    const mem = KernelMemory.create();
    const exports = mem?.exports as unknown as Partial<DenseExports> | undefined;
    if (!mem || typeof exports?.tilesMultiplyAddF32 !== 'function') return null;
    const wtPtr = mem.alloc(panelBytes);
    const negVPtr = mem.alloc(panelBytes);
    const nPtr = mem.alloc(4 * block * block);
    const bufferPtrs = Array.from({ length: count }, () => mem.alloc(panelBytes));
    const kernel = new BlockSweepKernel(mem, exports as DenseExports, block, panels, bufferPtrs, wtPtr, negVPtr, nPtr);
    // Nothing is posted to a helper before it has said it is ready (see kernel-threads.ts).
    await Promise.all(kernel.workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))));
    return kernel;
  }

  /** Loads a pivot's W, Wt (one tile per block row) and N (one tile); writes NegV_r = W_r · N. */
  pivot(w: Float32Array, wt: Float32Array, n: Float32Array, negV: Float32Array): void {
    const values = this.tiles * this.tileValues;
    const bytes = 4 * this.tileValues;
    this.mem.f32(this.bufferPtrs[0]!, values).set(w.subarray(0, values));
    this.mem.f32(this.wtPtr, values).set(wt.subarray(0, values));
    this.mem.f32(this.nPtr, this.tileValues).set(n.subarray(0, this.tileValues));
    const out = this.mem.f32(this.negVPtr, values);
    out.fill(0);
    this.exports.tilesMultiplyAddF32(this.negVPtr, bytes, this.bufferPtrs[0]!, bytes, this.nPtr, 0, this.tiles, this.block);
    negV.set(out);
  }

  /** C(r, s) += NegV_r · Wt_s for every row panel r ≠ skip and its tiles s ≤ r, s ≠ skip. */
  update(skip: number): void {
    const bounds = equalWorkRanges(this.tiles, this.threads);
    const seq = ++this.sequence;
    for (let slot = 0; slot < this.workers.length; slot++) {
      this.args.set([OP_UPDATE, skip, bounds[slot + 1]!, bounds[slot + 2]!], 4 * slot);
      Atomics.store(this.control, 2 * slot, seq);
      Atomics.notify(this.control, 2 * slot);
    }
    const ptr = this.bufferPtrs[0]!;
    for (let r = 0; r < bounds[1]!; r++) {
      if (r !== skip) updatePanel(this.exports, this.mem.memory, this.panels[r]!, r, skip, this.block, ptr, this.wtPtr, this.negVPtr);
    }
    for (let slot = 0; slot < this.workers.length; slot++) this.await(slot, seq);
  }

  private await(slot: number, seq: number): void {
    for (;;) {
      const done = Atomics.load(this.control, 2 * slot + 1);
      if (done === seq) return;
      if (done === -seq) throw new Error('a block sweep thread failed');
      Atomics.wait(this.control, 2 * slot + 1, done);
    }
  }

  /** Stops the helper threads. */
  async close(): Promise<void> {
    const seq = ++this.sequence;
    for (let slot = 0; slot < this.workers.length; slot++) {
      this.args[4 * slot] = OP_STOP;
      Atomics.store(this.control, 2 * slot, seq);
      Atomics.notify(this.control, 2 * slot);
    }
    await Promise.all(this.workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  }
}

/** Bounds [0, …, tiles] of `parts` contiguous panel ranges of about equal work (panel r: r + 1 tiles). */
function equalWorkRanges(tiles: number, parts: number): number[] {
  const bounds = [0];
  let r = 0;
  for (let p = 1; p < parts; p++) {
    const goal = (tiles * (tiles + 1) * p) / (2 * parts);
    while (r < tiles && (r * (r + 1)) / 2 < goal) r++;
    bounds.push(r);
  }
  bounds.push(tiles);
  return bounds;
}
