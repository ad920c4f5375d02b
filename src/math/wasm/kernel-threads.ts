import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { KernelMemory } from './kernel-memory.js';

/** Jobs a helper thread can run; the numbers are the protocol with WORKER_SOURCE. */
const OP_STOP = 0;
const OP_ALS_HALF_STEP = 1;
const OP_GRAM = 2;
/** Per helper: Int32 slots [request sequence, finished sequence]; Float64 slots [op, args…]. */
const CONTROL_INTS = 2;
const ARG_SLOTS = 16;

/**
 * A helper thread: instantiates the kernel module over the shared memory, then sleeps on its
 * control word; each request runs one kernel call on the same memory and reports back through
 * the same block. Plain JavaScript so that it needs no loader under tsx or vitest.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, args, slot } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.postMessage('ready');
const ctl = new Int32Array(control);
const a = new Float64Array(args);
const c = slot * ${CONTROL_INTS};
const o = slot * ${ARG_SLOTS};
let seen = 0;
for (;;) {
  Atomics.wait(ctl, c, seen);
  seen = Atomics.load(ctl, c);
  const op = a[o];
  if (op === ${OP_STOP}) break;
  let outcome = seen;
  try {
    if (op === ${OP_ALS_HALF_STEP}) k.alsHalfStep(a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], a[o + 6], a[o + 7], a[o + 8], a[o + 9], a[o + 10], a[o + 11], a[o + 12], a[o + 13], a[o + 14]);
    else if (op === ${OP_GRAM}) k.gramF32(a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5]);
  } catch (err) {
    outcome = -seen; // the caller throws instead of waiting for ever
  }
  Atomics.store(ctl, c + 1, outcome);
  Atomics.notify(ctl, c + 1);
}
`;

/** How many threads the kernels use: MAGPIE_THREADS, else the machine's cores (at most 8). */
export function kernelThreadCount(): number {
  const configured = Number(process.env['MAGPIE_THREADS']);
  if (Number.isInteger(configured) && configured >= 1) return configured;
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * The calling thread plus helper threads running kernels over one KernelMemory. Calls are
 * synchronous: the caller takes the first share of the work, then waits on the helpers with
 * Atomics.wait (allowed on Node's main thread), so callers need no async plumbing. Results do
 * not depend on the thread count: rows are independent, and reductions use fixed chunks.
 */
export class KernelThreads {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly sequence: number[];

  /**
   * Starts the helpers and waits until each has its kernels instantiated. Allocate everything
   * the kernels will touch before this: a helper parked in Atomics.wait may not see memory that
   * grew meanwhile, and its next kernel call would trap.
   */
  static async start(mem: KernelMemory, threads: number = kernelThreadCount()): Promise<KernelThreads> {
    const pool = new KernelThreads(mem, threads);
    // Blocking in Atomics.wait before a helper runs could stall its start-up on this thread,
    // so nothing is posted to the helpers before they have said they are ready.
    await Promise.all(pool.workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))));
    return pool;
  }

  private constructor(
    private readonly mem: KernelMemory,
    readonly threads: number,
  ) {
    const helpers = Math.max(0, threads - 1);
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS * Math.max(1, helpers)));
    this.args = new Float64Array(new SharedArrayBuffer(8 * ARG_SLOTS * Math.max(1, helpers)));
    this.sequence = new Array<number>(helpers).fill(0);
    for (let slot = 0; slot < helpers; slot++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: mem.module, memory: mem.memory, control: this.control.buffer, args: this.args.buffer, slot },
      });
      // Not unref'd: inside a worker thread (the training thread) an unref'd helper would let
      // that thread's event loop run dry and exit while close() still waits for the helpers.
      this.workers.push(worker);
    }
  }

  /**
   * Runs `jobs` (argument lists for `op`): job 0 on this thread, job j on helper j − 1, then
   * waits for all. At most `threads` jobs.
   */
  private run(op: number, jobs: number[][], local: (args: number[]) => void): void {
    for (let j = 1; j < jobs.length; j++) this.post(j - 1, op, jobs[j]!);
    if (jobs.length > 0) local(jobs[0]!);
    for (let j = 1; j < jobs.length; j++) this.await(j - 1);
  }

  private post(slot: number, op: number, jobArgs: number[]): void {
    const o = slot * ARG_SLOTS;
    this.args[o] = op;
    for (let t = 0; t < jobArgs.length; t++) this.args[o + 1 + t] = jobArgs[t]!;
    const seq = ++this.sequence[slot]!;
    Atomics.store(this.control, slot * CONTROL_INTS, seq);
    Atomics.notify(this.control, slot * CONTROL_INTS);
  }

  private await(slot: number): void {
    const c = slot * CONTROL_INTS + 1;
    const seq = this.sequence[slot]!;
    for (;;) {
      const done = Atomics.load(this.control, c);
      if (done === seq) return;
      if (done === -seq) throw new Error('a kernel thread failed (out-of-bounds access or memory grown after the threads started?)');
      Atomics.wait(this.control, c, done);
    }
  }

  /**
   * alsHalfStep over rows [0, rows), split into one contiguous range per thread with about the
   * same work (a row costs ~k² for the Gram part plus ~2k per observation). `scratch[t]` is
   * thread t's scratch block.
   */
  alsHalfStep(
    indptr: Int32Array,
    ptrs: { indptr: number; indices: number; values: number; fixed: number; target: number; gram: number; lambdas: number; gramScales: number },
    k: number,
    cgSteps: number,
    maxRow: number,
    scratch: readonly number[],
  ): void {
    const bounds = balancedSplit(indptr, k, Math.min(this.threads, scratch.length));
    const jobs: number[][] = [];
    for (let t = 0; t + 1 < bounds.length; t++) {
      jobs.push([bounds[t]!, bounds[t + 1]!, ptrs.indptr, ptrs.indices, ptrs.values, ptrs.fixed, ptrs.target, k, ptrs.gram, ptrs.lambdas, ptrs.gramScales, cgSteps, maxRow, scratch[t]!]);
    }
    this.run(OP_ALS_HALF_STEP, jobs, (a) => this.mem.exports.alsHalfStep(...(a as Parameters<KernelMemoryExports['alsHalfStep']>)));
  }

  /**
   * Yᵀ·diag(w)·Y of an n×k f32 matrix into out (k×k f64), as the sum of `partials.length`
   * fixed row chunks computed in parallel into the partial buffers and added in chunk order, so
   * the rounding is the same whatever the thread count.
   */
  gram(y: number, n: number, k: number, w: number, out: number, partials: readonly number[]): void {
    const chunks = partials.length;
    const step = Math.ceil(n / chunks);
    const jobArgs = partials.map((p, c) => {
      const start = Math.min(n, c * step);
      const count = Math.min(n, start + step) - start;
      return [y + 4 * start * k, count, k, w === 0 ? 0 : w + 8 * start, p];
    });
    for (let first = 0; first < chunks; first += this.threads) {
      const batch = jobArgs.slice(first, first + this.threads);
      this.run(OP_GRAM, batch, (a) => this.mem.exports.gramF32(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!));
    }
    const total = this.mem.f64(out, k * k);
    total.set(this.mem.f64(partials[0]!, k * k));
    for (let c = 1; c < chunks; c++) {
      const part = this.mem.f64(partials[c]!, k * k);
      for (let t = 0; t < total.length; t++) total[t] = total[t]! + part[t]!;
    }
  }

  /** Stops the helper threads. */
  async close(): Promise<void> {
    for (let slot = 0; slot < this.workers.length; slot++) this.post(slot, OP_STOP, []);
    await Promise.all(this.workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  }
}

type KernelMemoryExports = KernelMemory['exports'];

/**
 * Row boundaries [0, b1, …, rows] splitting a CSR matrix into `parts` contiguous ranges of
 * about equal cost k²·rows + 2k·observations.
 */
export function balancedSplit(indptr: Int32Array, k: number, parts: number): number[] {
  const rows = indptr.length - 1;
  const cost = (r: number): number => k * k * r + 2 * k * indptr[r]!;
  const total = cost(rows);
  const bounds = [0];
  let r = 0;
  for (let p = 1; p < parts; p++) {
    const goal = (total * p) / parts;
    while (r < rows && cost(r) < goal) r++;
    bounds.push(r);
  }
  bounds.push(rows);
  return bounds;
}
