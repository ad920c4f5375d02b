import { dot, scal, type Vec } from './blas.js';

/** Euclidean norm of each row of a row-major n×k matrix, into out (length n). */
export function rowNorms(m: Vec, n: number, k: number, out: Float32Array | Float64Array = new Float64Array(n)): typeof out {
  for (let r = 0; r < n; r++) out[r] = Math.sqrt(dot(m, r * k, m, r * k, k));
  return out;
}

/**
 * Scales each row of a row-major n×k matrix to unit length in place (cosine normalisation), so
 * that dot products become cosine similarities. All-zero rows stay zero.
 */
export function normalizeRows(m: Vec, n: number, k: number): void {
  for (let r = 0; r < n; r++) {
    const norm = Math.sqrt(dot(m, r * k, m, r * k, k));
    if (norm > 0) scal(1 / norm, m, r * k, k);
  }
}
