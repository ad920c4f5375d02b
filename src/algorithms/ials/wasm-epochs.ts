import { KernelMemory, KernelThreads, kernelThreadCount, type Csr } from '../../math/index.js';

/** Fixed row chunks of every Gram matrix, so its rounding does not depend on the thread count. */
const GRAM_CHUNKS = 8;

interface Side {
  rows: number;
  /** The CSR row pointers, also kept on the JS side to balance rows across threads. */
  rowPointers: Int32Array;
  indptr: number;
  indices: number;
  values: number;
  lambdas: number;
  maxRow: number;
}

/**
 * The iALS epochs (CG solver) on the WASM SIMD kernels: both CSR views, both factor matrices,
 * λ's and weights live in one kernel instance for the whole run, so an epoch is two Gram
 * matrices and two half-step calls with no copying. alsHalfStep mirrors solveHalfStep
 * (half-step.ts), which stays the reference and the fallback.
 */
export class WasmIalsEpochs {
  private readonly users: Side;
  private readonly items: Side;
  private readonly userFactors: number;
  private readonly itemFactors: number;
  private readonly itemWeights: number;
  private readonly gram: number;
  /** The scaled Gram matrix in f32, as alsHalfStep reads it. */
  private readonly gram32: number;
  private readonly gramPartials: number[];
  private readonly scratch: number[];
  private readonly maxRow: number;
  private threads!: KernelThreads;

  private constructor(
    private readonly mem: KernelMemory,
    byUser: Csr,
    byItem: Csr,
    userFactors: Float32Array,
    itemFactors: Float32Array,
    private readonly k: number,
    userLambdas: Float64Array,
    itemLambdas: Float64Array,
    itemWeights: Float64Array | null,
    private readonly cgSteps: number,
    threadCount: number,
  ) {
    this.users = side(mem, byUser, userLambdas);
    this.items = side(mem, byItem, itemLambdas);
    this.userFactors = mem.put(userFactors);
    this.itemFactors = mem.put(itemFactors);
    this.itemWeights = itemWeights ? mem.put(itemWeights) : 0;
    this.gram = mem.alloc(8 * k * k);
    this.gram32 = mem.alloc(4 * k * k);
    this.gramPartials = Array.from({ length: GRAM_CHUNKS }, () => mem.alloc(8 * k * k));
    this.maxRow = Math.max(this.users.maxRow, this.items.maxRow);
    this.scratch = Array.from({ length: threadCount }, () => mem.alloc(4 * (this.maxRow * k + 2 * this.maxRow + 6 * k) + 80));
  }

  /** Null when the WASM kernels are not available (the caller uses the reference path). */
  static async create(
    byUser: Csr,
    byItem: Csr,
    userFactors: Float32Array,
    itemFactors: Float32Array,
    k: number,
    userLambdas: Float64Array,
    itemLambdas: Float64Array,
    itemWeights: Float64Array | null,
    cgSteps: number,
    /** Threads to use (default: kernelThreadCount()); the results do not depend on it. */
    threads?: number,
  ): Promise<WasmIalsEpochs | null> {
    const mem = KernelMemory.create();
    if (!mem) return null;
    const threadCount = threads ?? kernelThreadCount();
    const epochs = new WasmIalsEpochs(mem, byUser, byItem, userFactors, itemFactors, k, userLambdas, itemLambdas, itemWeights, cgSteps, threadCount);
    // Only now, with every buffer allocated (see KernelThreads.start).
    epochs.threads = await KernelThreads.start(mem, threadCount);
    return epochs;
  }

  /** One epoch: all users against the item factors, then all items against the user factors. */
  epoch(unobservedWeight: number): void {
    this.weightedGram(this.itemFactors, this.items.rows, this.itemWeights, unobservedWeight);
    this.halfStep(this.users, this.itemFactors, this.userFactors, 0);
    this.weightedGram(this.userFactors, this.users.rows, 0, unobservedWeight);
    this.halfStep(this.items, this.userFactors, this.itemFactors, this.itemWeights);
  }

  /** Copies the current factors out. */
  read(userFactors: Float32Array, itemFactors: Float32Array): void {
    userFactors.set(this.mem.f32(this.userFactors, userFactors.length));
    itemFactors.set(this.mem.f32(this.itemFactors, itemFactors.length));
  }

  /** Stops the helper threads; call once training is over (also after a failure). */
  close(): Promise<void> {
    return this.threads.close();
  }

  private weightedGram(factors: number, n: number, weights: number, alpha0: number): void {
    this.threads.gram(factors, n, this.k, weights, this.gram, this.gramPartials);
    const g = this.mem.f64(this.gram, this.k * this.k);
    const g32 = this.mem.f32(this.gram32, this.k * this.k);
    for (let t = 0; t < g.length; t++) g32[t] = g[t]! * alpha0;
  }

  private halfStep(s: Side, fixed: number, target: number, gramScales: number): void {
    const ptrs = { indptr: s.indptr, indices: s.indices, values: s.values, fixed, target, gram: this.gram32, lambdas: s.lambdas, gramScales };
    this.threads.alsHalfStep(s.rowPointers, ptrs, this.k, this.cgSteps, this.maxRow, this.scratch);
  }
}

function side(mem: KernelMemory, rows: Csr, lambdas: Float64Array): Side {
  let maxRow = 0;
  for (let r = 0; r < rows.rows; r++) maxRow = Math.max(maxRow, rows.indptr[r + 1]! - rows.indptr[r]!);
  return {
    rows: rows.rows,
    rowPointers: rows.indptr,
    indptr: mem.put(rows.indptr),
    indices: mem.put(rows.indices),
    values: mem.put(rows.values),
    lambdas: mem.put(lambdas),
    maxRow,
  };
}
