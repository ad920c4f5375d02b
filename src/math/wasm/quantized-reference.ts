import { dot, type Vec } from '../blas.js';

/**
 * Plain-TypeScript side of the int8 scan: the quantisers and the reference of the kernels in
 * assembly/quantized.ts (scoreI8 is reproduced bit for bit; the f32 re-scoring without WASM
 * reproduces gemv row by row). Quantisation is symmetric per row, y ≈ scale·code with
 * scale = max|y| / 127 (Jacob et al., "Quantization and Training of Neural Networks for
 * Efficient Integer-Arithmetic-Only Inference", CVPR 2018, without the zero point); the query
 * gets int16 codes with its own scale, so nearly all of the approximation error is the items'.
 */

/** Row length of the int8 codes: the dimension rounded up to whole 16-byte SIMD vectors. */
export function paddedDim(dim: number): number {
  return Math.max(16, Math.ceil(dim / 16) * 16);
}

/**
 * Largest query code such that the kernel's i32 sum cannot overflow: |Σ code·q| ≤ 127·max|q|·kp
 * must stay below 2³¹. That is the full int16 range up to 516 dimensions.
 */
export function queryCodeRange(kp: number): number {
  return Math.max(1, Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * kp))));
}

/** Item vectors as int8 codes plus what the scan's error bound needs per row. */
export interface RowCodes {
  /** n × kp codes, each row zero-padded past dim. */
  codes: Int8Array;
  /** Per-row f32 scale (0 for an all-zero row). */
  scales: Float32Array;
  /** ‖y_i − scale_i·code_i‖₂: the row's rounding residual, exactly. */
  residualNorms: Float64Array;
  /** scale_i·‖code_i‖₂. */
  codeNorms: Float64Array;
  /** ‖y_i‖₂. */
  rowNorms: Float64Array;
}

/** Quantises the n rows of a row-major n×dim matrix to int8 codes of row length kp. */
export function quantizeRows(y: Float32Array, n: number, dim: number, kp = paddedDim(dim)): RowCodes {
  const codes = new Int8Array(n * kp);
  const scales = new Float32Array(n);
  const residualNorms = new Float64Array(n);
  const codeNorms = new Float64Array(n);
  const rowNorms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    let max = 0;
    for (let t = 0; t < dim; t++) max = Math.max(max, Math.abs(y[base + t]!));
    // A scale that underflows to 0 leaves the row all residual: the bound stays true.
    const scale = Math.fround(max / 127);
    scales[i] = scale;
    let residual = 0;
    let codeSq = 0;
    let normSq = 0;
    // Any code is sound (the residual below is measured, not assumed); 1/scale is just faster.
    const inv = scale > 0 ? 1 / scale : 0;
    for (let t = 0; t < dim; t++) {
      const v = y[base + t]!;
      let c = Math.round(v * inv);
      if (c > 127) c = 127;
      else if (c < -127) c = -127;
      codes[i * kp + t] = c;
      const d = v - scale * c; // exact in f64: 24-bit scale times an 8-bit code
      residual += d * d;
      codeSq += c * c;
      normSq += v * v;
    }
    residualNorms[i] = Math.sqrt(residual);
    codeNorms[i] = scale * Math.sqrt(codeSq);
    rowNorms[i] = Math.sqrt(normSq);
  }
  return { codes, scales, residualNorms, codeNorms, rowNorms };
}

/** A query's int16 codes' scale and rounding residual (codes written by quantizeQuery). */
export interface QueryCodes {
  /** f32 scale; 0 when the query is zero or too small to quantise (then use the f32 scan). */
  scale: number;
  /** ‖q − scale·code‖₂. */
  residualNorm: number;
}

/** Writes q's int16 codes into out (length kp, zero-padded past q.length). */
export function quantizeQuery(q: Vec, kp: number, out: Int16Array): QueryCodes {
  out.fill(0, 0, kp);
  const range = queryCodeRange(kp);
  let max = 0;
  for (let t = 0; t < q.length; t++) max = Math.max(max, Math.abs(q[t]!));
  const scale = Math.fround(max / range);
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 0, residualNorm: 0 };
  let residual = 0;
  for (let t = 0; t < q.length; t++) {
    const c = Math.max(-range, Math.min(range, Math.round(q[t]! / scale)));
    out[t] = c;
    const d = q[t]! - scale * c;
    residual += d * d;
  }
  return { scale, residualNorm: Math.sqrt(residual) };
}

/** Reference of scoreI8: out[i] = f32(Σ codes[i,t]·q[t]) · scales[i] · qScale, rounded as f32. */
export function scoreI8Reference(
  codes: Int8Array, n: number, kp: number, q: Int16Array, scales: Float32Array, qScale: number, out: Float32Array,
): void {
  const qs = Math.fround(qScale);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const base = i * kp;
    for (let t = 0; t < kp; t++) acc += codes[base + t]! * q[t]!;
    out[i] = Math.fround(Math.fround(Math.fround(acc) * scales[i]!) * qs);
  }
}

/** Reference of collectBetween: writes the i with lo < scores[i] ≤ hi (f32 bounds) to out. */
export function collectBetweenReference(scores: Float32Array, n: number, lo: number, hi: number, out: Int32Array): number {
  const l = Math.fround(lo);
  const h = Math.fround(hi);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s > l && s <= h) out[m++] = i;
  }
  return m;
}

/**
 * What gemv(m, n, 1, a, x, 0, out) writes into out[r]: rows in its blocks of four sum in one
 * sequential f64 accumulator, the last m mod 4 rows through dot(). Lets the re-scoring without
 * WASM give each item the score the plain full scan gives it.
 */
export function gemvRow(a: Vec, m: number, n: number, r: number, x: Vec): number {
  if (r >= m - (m % 4)) return dot(a, r * n, x, 0, n);
  const base = r * n;
  let s = 0;
  for (let t = 0; t < n; t++) s += a[base + t]! * x[t]!;
  return s;
}
