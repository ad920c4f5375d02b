import { describe, expect, it } from 'vitest';
import { Rng } from '../core/index.js';
import { gemv } from './blas.js';
import { choleskyFactor, choleskySolve, solveSpd } from './cholesky.js';
import { randomSpd } from './testing/random-spd.js';

describe('Cholesky', () => {
  it('factors a hand-checked 2×2 matrix', () => {
    const a = Float64Array.of(4, 2, 2, 5);
    choleskyFactor(a, 2);
    expect([a[0], a[2], a[3]]).toEqual([2, 1, 2]);
  });

  it('solves A x = b with a small residual', () => {
    const rng = new Rng(4);
    for (const k of [1, 5, 16, 64]) {
      const a = randomSpd(rng, k);
      const x = Float64Array.from({ length: k }, () => rng.normal());
      const b = new Float64Array(k);
      gemv(k, k, 1, a, x, 0, b);
      const solved = solveSpd(a.slice(), k, b.slice());
      const ax = new Float64Array(k);
      gemv(k, k, 1, a, solved, 0, ax);
      let residual = 0;
      let scale = 0;
      for (let t = 0; t < k; t++) {
        residual += (ax[t]! - b[t]!) ** 2;
        scale += b[t]! ** 2;
      }
      expect(Math.sqrt(residual / scale)).toBeLessThan(1e-5);
    }
  });

  it('reuses a factor for several right-hand sides', () => {
    const a = Float64Array.of(4, 2, 2, 5);
    choleskyFactor(a, 2);
    const b1 = Float64Array.of(6, 7);
    choleskySolve(a, 2, b1);
    expect(b1[0]).toBeCloseTo(1, 12);
    expect(b1[1]).toBeCloseTo(1, 12);
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => choleskyFactor(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/positive definite/);
    expect(() => choleskyFactor(Float64Array.of(NaN, 0, 0, 1), 2)).toThrow(/positive definite/);
  });
});
