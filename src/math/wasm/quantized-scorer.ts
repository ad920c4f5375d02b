import { gemv, type Vec } from '../blas.js';
import { KernelMemory } from './kernel-memory.js';
import {
  gemvRow,
  paddedDim,
  quantizeQuery,
  quantizeRows,
  scoreI8Reference,
  type QueryCodes,
  type RowCodes,
} from './quantized-reference.js';

/** A query as the scorer holds it: its codes plus the norm the exact scores are taken against. */
export interface PreparedQuery extends QueryCodes {
  /** ‖q‖₂ of the query as the exact pass sees it (rounded to f32 when the kernels run). */
  norm: number;
}

/**
 * Scores a fixed n×k f32 matrix Y (item factors) two ways against one query at a time:
 * approximately over int8 codes of Y (a quarter of the bytes: at 128 factors the whole
 * catalogue stays in the last-level cache) and exactly, in f32, for chosen rows or all of them.
 * The exact scores are bit-identical to DenseScorer.score's — with WASM the same SIMD
 * operations, without it the same gemv rows — so a search built on this scorer can return
 * exactly what the plain scan returns. Use: prepare(q), then approximate / exactRows / exactAll.
 */
export class QuantizedScorer {
  readonly kp: number;
  readonly rows: RowCodes;
  private readonly kernels: KernelMemory | null;
  private yPtr = 0;
  private codesPtr = 0;
  private scalesPtr = 0;
  private uPtr = 0;
  private qPtr = 0;
  private listPtr = 0;
  private outPtr = 0;
  /** The query's codes when the kernels do not run (they live in WASM memory otherwise). */
  private readonly jsCodes: Int16Array;
  /** The query the exact pass uses without WASM (as given, as gemv takes it). */
  private jsQuery: Vec = new Float32Array(0);

  constructor(
    private readonly y: Float32Array,
    readonly n: number,
    readonly k: number,
  ) {
    this.kp = paddedDim(k);
    this.rows = quantizeRows(y, n, k, this.kp);
    this.jsCodes = new Int16Array(this.kp);
    this.kernels = n > 0 && k > 0 ? KernelMemory.create() : null;
    const kernels = this.kernels;
    if (kernels) {
      this.yPtr = kernels.put(y.subarray(0, n * k));
      this.codesPtr = kernels.put(this.rows.codes);
      this.scalesPtr = kernels.put(this.rows.scales);
      this.uPtr = kernels.alloc(4 * k);
      this.qPtr = kernels.alloc(2 * this.kp);
      this.listPtr = kernels.alloc(4 * n);
      this.outPtr = kernels.alloc(4 * n);
    }
  }

  get usesWasm(): boolean {
    return this.kernels !== null;
  }

  /** Takes `q` (length k) as the query of the following calls and quantises it. */
  prepare(q: Vec): PreparedQuery {
    const kernels = this.kernels;
    if (!kernels) {
      this.jsQuery = q;
      return { ...quantizeQuery(q, this.kp, this.jsCodes), norm: norm(q) };
    }
    const u = kernels.f32(this.uPtr, this.k);
    u.set(q.subarray(0, this.k));
    const codes = quantizeQuery(u, this.kp, this.jsCodes);
    kernels.i16(this.qPtr, this.kp).set(this.jsCodes);
    return { ...codes, norm: norm(u) };
  }

  /** out[i] = the int8 estimate of row i's score for every row (needs a nonzero query scale). */
  approximate(query: PreparedQuery, out: Float32Array): void {
    const kernels = this.kernels;
    if (!kernels) {
      scoreI8Reference(this.rows.codes, this.n, this.kp, this.jsCodes, this.rows.scales, query.scale, out);
      return;
    }
    kernels.exports.scoreI8(this.codesPtr, this.n, this.kp, this.qPtr, this.scalesPtr, query.scale, this.outPtr);
    out.set(kernels.f32(this.outPtr, this.n));
  }

  /** out[j] = the exact f32 score of row rows[j], j < m. */
  exactRows(rows: Int32Array, m: number, out: Float32Array): void {
    const kernels = this.kernels;
    if (!kernels) {
      for (let j = 0; j < m; j++) out[j] = gemvRow(this.y, this.n, this.k, rows[j]!, this.jsQuery);
      return;
    }
    kernels.i32(this.listPtr, m).set(rows.subarray(0, m));
    kernels.exports.scoreRowsF32(this.yPtr, this.k, this.listPtr, m, this.uPtr, this.outPtr);
    out.set(kernels.f32(this.outPtr, m));
  }

  /** out[i] = the exact f32 score of every row: DenseScorer.score. */
  exactAll(out: Float32Array): void {
    const kernels = this.kernels;
    if (!kernels) {
      gemv(this.n, this.k, 1, this.y, this.jsQuery, 0, out);
      return;
    }
    kernels.exports.scoreF32(this.yPtr, this.n, this.k, this.uPtr, this.outPtr);
    out.set(kernels.f32(this.outPtr, this.n));
  }
}

function norm(q: Vec): number {
  let s = 0;
  for (let t = 0; t < q.length; t++) s += q[t]! * q[t]!;
  return Math.sqrt(s);
}
