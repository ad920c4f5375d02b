import {
  addDiagonal,
  addOuter,
  CgScratch,
  choleskyFactor,
  choleskySolve,
  conjugateGradient,
  type Csr,
} from '../../math/index.js';

/**
 * One ALS half-step: with the other side's factors Y fixed, each row r of `target` solves
 *
 *   (α0·YᵀY + Σ_j c_rj·y_j y_jᵀ + λ_r·I) x_r = Σ_j c_rj·y_j
 *
 * over the row's observed pairs (j, c_rj) — the normal equations of Rendle et al. 2021's loss
 * Σ_obs c(ŷ − 1)² + α0·Σ_all ŷ² + Σ λ_r‖x_r‖². YᵀY is computed once per half-step (the Gram
 * trick of Hu, Koren & Volinsky 2008), so a row costs O(k² + |row|·k) per CG step.
 */
export interface HalfStep {
  /** Rows to solve, with confidences as values; columns index `fixed`. */
  rows: Csr;
  fixed: Float32Array;
  target: Float32Array;
  k: number;
  /** α0·YᵀY, k×k. */
  weightedGram: Float64Array;
  /** λ_r per row. */
  lambdas: Float64Array;
  /** Per-row multiplier of weightedGram (popularity-weighted unobserved term), or null for 1. */
  gramScales: Float64Array | null;
  solver: 'cg' | 'cholesky';
  cgSteps: number;
}

export function solveHalfStep(step: HalfStep): void {
  const { rows, fixed, target, k, weightedGram, lambdas } = step;
  const x = new Float64Array(k);
  const b = new Float64Array(k);
  const tmp = new Float64Array(k);
  const a = new Float64Array(k * k);
  const scratch = new CgScratch(k);
  let maxRow = 0;
  for (let r = 0; r < rows.rows; r++) maxRow = Math.max(maxRow, rows.indptr[r + 1]! - rows.indptr[r]!);
  // The current row's fixed vectors, gathered once into contiguous memory so the 1 + cgSteps
  // matvecs below stream through them instead of hopping around the factor matrix.
  const local = new Float64Array(maxRow * k);
  const conf = new Float64Array(maxRow);
  const proj = new Float64Array(maxRow);
  let count = 0;
  let lambda = 0;
  let gramScale = 1;
  // A·v for the current row; one closure for the whole half-step, fed through count/lambda.
  // The loops are written out here (not dot/axpy) so that every array access in this hot path
  // sees one element type and V8 keeps it monomorphic.
  const matvec = (v: Float64Array, out: Float64Array): void => {
    denseMatVec(weightedGram, v, out, k);
    for (let t = 0; t < k; t++) out[t] = gramScale * out[t]! + lambda * v[t]!;
    // out += Yᵣᵀ·C·(Yᵣ·v): first all projections s_e = c_e·(y_e·v), then the weighted sum.
    denseMatVec(local, v, proj, k, count);
    for (let e = 0; e < count; e++) proj[e] = proj[e]! * conf[e]!;
    addTransposedMatVec(local, proj, out, k, count);
  };

  const { indices, values } = rows;
  for (let r = 0; r < rows.rows; r++) {
    const start = rows.indptr[r]!;
    const end = rows.indptr[r + 1]!;
    lambda = lambdas[r]!;
    gramScale = step.gramScales ? step.gramScales[r]! : 1;
    count = end - start;
    b.fill(0);
    for (let e = 0; e < count; e++) {
      const src = indices[start + e]! * k;
      const c = values[start + e]!;
      conf[e] = c;
      for (let t = 0; t < k; t++) {
        const y = fixed[src + t]!;
        local[e * k + t] = y;
        b[t] = b[t]! + c * y;
      }
    }
    const off = r * k;
    if (step.solver === 'cholesky') {
      buildSystem(a, weightedGram, gramScale, rows, start, end, fixed, k, lambda);
      choleskyFactor(a, k);
      x.set(b);
      choleskySolve(a, k, x);
    } else {
      for (let t = 0; t < k; t++) x[t] = target[off + t]!;
      // Warm start from last epoch's vector: residual b − A·x costs one matvec.
      matvec(x, tmp);
      for (let t = 0; t < k; t++) tmp[t] = b[t]! - tmp[t]!;
      conjugateGradient(matvec, b, x, step.cgSteps, 0, scratch, tmp);
    }
    for (let t = 0; t < k; t++) target[off + t] = x[t]!;
  }
}

/** out = M·v for a dense row-major m×k matrix M (m = k by default), four rows at a time. */
function denseMatVec(g: Float64Array, v: Float64Array, out: Float64Array, k: number, m = k): void {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const b0 = r * k;
    const b1 = b0 + k;
    const b2 = b1 + k;
    const b3 = b2 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < k; t++) {
      const vt = v[t]!;
      s0 += g[b0 + t]! * vt;
      s1 += g[b1 + t]! * vt;
      s2 += g[b2 + t]! * vt;
      s3 += g[b3 + t]! * vt;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < m; r++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += g[r * k + t]! * v[t]!;
    out[r] = s;
  }
}

/** out += Mᵀ·w for a dense row-major m×k matrix M, four rows per pass over out. */
function addTransposedMatVec(g: Float64Array, w: Float64Array, out: Float64Array, k: number, m: number): void {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const b0 = r * k;
    const b1 = b0 + k;
    const b2 = b1 + k;
    const b3 = b2 + k;
    const w0 = w[r]!;
    const w1 = w[r + 1]!;
    const w2 = w[r + 2]!;
    const w3 = w[r + 3]!;
    for (let t = 0; t < k; t++) {
      out[t] = out[t]! + (w0 * g[b0 + t]! + w1 * g[b1 + t]! + (w2 * g[b2 + t]! + w3 * g[b3 + t]!));
    }
  }
  for (; r < m; r++) {
    const wr = w[r]!;
    const b = r * k;
    for (let t = 0; t < k; t++) out[t] = out[t]! + wr * g[b + t]!;
  }
}

/** a = α0·YᵀY + Σ_j c_j·y_j y_jᵀ + λ·I for one row. */
export function buildSystem(
  a: Float64Array,
  weightedGram: Float64Array,
  gramScale: number,
  rows: Csr,
  start: number,
  end: number,
  fixed: Float32Array,
  k: number,
  lambda: number,
): void {
  for (let t = 0; t < k * k; t++) a[t] = gramScale * weightedGram[t]!;
  for (let e = start; e < end; e++) addOuter(rows.values[e]!, fixed, rows.indices[e]! * k, k, a);
  addDiagonal(a, k, lambda);
}
