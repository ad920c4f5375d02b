import { gemv, type Vec } from '../blas.js';
import { KernelMemory } from './kernel-memory.js';
import {
  collectBetweenReference,
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
  /** Per row: ‖y_i − scale_i·code_i‖, scale_i·‖code_i‖ and ‖y_i‖ (what error bounds need). */
  readonly residualNorms: Float64Array;
  readonly codeNorms: Float64Array;
  readonly rowNorms: Float64Array;
  /** The codes and scales, kept on the JS side only when the kernels do not run. */
  private readonly jsRows: RowCodes | null;
  private readonly kernels: KernelMemory | null;
  private yPtr = 0;
  private codesPtr = 0;
  private scalesPtr = 0;
  private uPtr = 0;
  private qPtr = 0;
  private listPtr = 0;
  private outPtr = 0;
  private approxPtr = 0;
  private collectPtr = 0;
  private approxView: Float32Array | null = null;
  /** Estimates when the kernels do not run. */
  private readonly jsOut: Float32Array;
  private readonly jsCollected: Int32Array;
  /** The query's codes when the kernels do not run (they live in WASM memory otherwise). */
  private readonly jsCodes: Int16Array;
  /** The query the exact pass uses without WASM (as given, as gemv takes it). */
  private jsQuery: Vec = new Float32Array(0);

  /** The f32 rows on the JS side, only when the kernels do not run (they are copied in else). */
  private readonly y: Float32Array;

  constructor(y: Float32Array, readonly n: number, readonly k: number) {
    this.kp = paddedDim(k);
    const rows = quantizeRows(y, n, k, this.kp);
    this.residualNorms = rows.residualNorms;
    this.codeNorms = rows.codeNorms;
    this.rowNorms = rows.rowNorms;
    this.jsCodes = new Int16Array(this.kp);
    this.kernels = n > 0 && k > 0 ? KernelMemory.create() : null;
    this.jsOut = new Float32Array(this.kernels ? 0 : n);
    this.jsCollected = new Int32Array(this.kernels ? 0 : n);
    this.jsRows = this.kernels ? null : rows;
    this.y = this.kernels ? new Float32Array(0) : y;
    const kernels = this.kernels;
    if (kernels) {
      this.yPtr = kernels.put(y.subarray(0, n * k));
      this.codesPtr = kernels.put(rows.codes);
      this.scalesPtr = kernels.put(rows.scales);
      this.uPtr = kernels.alloc(4 * k);
      this.qPtr = kernels.alloc(2 * this.kp);
      this.listPtr = kernels.alloc(4 * n);
      this.outPtr = kernels.alloc(4 * n);
      this.approxPtr = kernels.alloc(4 * n);
      this.collectPtr = kernels.alloc(4 * n);
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

  /**
   * The int8 estimate of every row's score (needs a nonzero query scale), in a buffer of the
   * scorer's that the next call overwrites.
   */
  approximate(query: PreparedQuery): Float32Array {
    const kernels = this.kernels;
    if (!kernels) {
      const { codes, scales } = this.jsRows!;
      scoreI8Reference(codes, this.n, this.kp, this.jsCodes, scales, query.scale, this.jsOut);
      return this.jsOut;
    }
    kernels.exports.scoreI8(this.codesPtr, this.n, this.kp, this.qPtr, this.scalesPtr, query.scale, this.approxPtr);
    // Memory only grows in the constructor, so this view stays valid.
    return (this.approxView ??= kernels.f32(this.approxPtr, this.n));
  }

  /**
   * The rows whose latest estimate (from approximate) lies in (lo, hi], lo and hi taken as f32,
   * in increasing order, in a buffer of the scorer's that the next call overwrites.
   */
  collect(lo: number, hi: number): Int32Array {
    const kernels = this.kernels;
    if (!kernels) {
      const m = collectBetweenReference(this.jsOut, this.n, lo, hi, this.jsCollected);
      return this.jsCollected.subarray(0, m);
    }
    const m = kernels.exports.collectBetween(this.approxPtr, this.n, lo, hi, this.collectPtr);
    return kernels.i32(this.collectPtr, m);
  }

  /** out[j] = the exact f32 score of row rows[j], j < m. */
  exactRows(rows: Int32Array, m: number, out: Float32Array): void {
    const kernels = this.kernels;
    if (!kernels) {
      for (let j = 0; j < m; j++) out[j] = gemvRow(this.y, this.n, this.k, rows[j]!, this.jsQuery);
      return;
    }
    // The list buffer holds n rows; longer lists (repeats) go in slices of n.
    for (let start = 0; start < m; start += this.n) {
      const len = Math.min(this.n, m - start);
      kernels.i32(this.listPtr, len).set(rows.subarray(start, start + len));
      kernels.exports.scoreRowsF32(this.yPtr, this.k, this.listPtr, len, this.uPtr, this.outPtr);
      out.set(kernels.f32(this.outPtr, len), start);
    }
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
