import type { Rng } from '../../core/index.js';
import { addDiagonal, gram } from '../blas.js';

/** A random symmetric positive-definite k×k matrix BᵀB + ridge·I, for solver tests. */
export function randomSpd(rng: Rng, k: number, ridge = 0.1): Float64Array {
  const b = Float64Array.from({ length: 3 * k * k }, () => rng.normal());
  const a = gram(b, 3 * k, k, new Float64Array(k * k));
  addDiagonal(a, k, ridge);
  return a;
}
