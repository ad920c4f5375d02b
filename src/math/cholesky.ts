import { MagpieError } from '../core/index.js';

/**
 * Cholesky factorisation A = L Lᵀ of a symmetric positive-definite k×k row-major matrix, in
 * place: afterwards the lower triangle (with diagonal) holds L; the strict upper triangle is
 * left as it was. Throws INTERNAL when A is not positive definite, because every caller builds
 * A with a positive ridge and a failure there means corrupted inputs (NaN factors).
 */
export function choleskyFactor(a: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    const rowJ = j * k;
    let d = a[rowJ + j]!;
    for (let t = 0; t < j; t++) d -= a[rowJ + t]! * a[rowJ + t]!;
    if (!(d > 0)) {
      throw new MagpieError('INTERNAL', `matrix is not positive definite (pivot ${j} is ${d})`);
    }
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < k; i++) {
      const rowI = i * k;
      let s = a[rowI + j]!;
      for (let t = 0; t < j; t++) s -= a[rowI + t]! * a[rowJ + t]!;
      a[rowI + j] = s * inv;
    }
  }
}

/** Solves L Lᵀ x = b in place (b becomes x), given the factor from choleskyFactor. */
export function choleskySolve(l: Float64Array, k: number, b: Float64Array): void {
  // Forward: L z = b.
  for (let i = 0; i < k; i++) {
    const row = i * k;
    let s = b[i]!;
    for (let t = 0; t < i; t++) s -= l[row + t]! * b[t]!;
    b[i] = s / l[row + i]!;
  }
  // Backward: Lᵀ x = z.
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let t = i + 1; t < k; t++) s -= l[t * k + i]! * b[t]!;
    b[i] = s / l[i * k + i]!;
  }
}

/** Solves A x = b for SPD A (destroys a's lower triangle); returns b, which now holds x. */
export function solveSpd(a: Float64Array, k: number, b: Float64Array): Float64Array {
  choleskyFactor(a, k);
  choleskySolve(a, k, b);
  return b;
}
