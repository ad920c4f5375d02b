import { describe, expect, it } from 'vitest';
import { Rng } from '../core/index.js';
import { gemv } from './blas.js';
import { CgScratch, conjugateGradient } from './cg.js';
import { solveSpd } from './cholesky.js';
import { randomSpd } from './testing/random-spd.js';

describe('conjugateGradient', () => {
  it('agrees with Cholesky when run to convergence', () => {
    const rng = new Rng(5);
    const k = 32;
    const a = randomSpd(rng, k, 1);
    const b = Float64Array.from({ length: k }, () => rng.normal());
    const exact = solveSpd(a.slice(), k, b.slice());
    const x = new Float64Array(k);
    const steps = conjugateGradient((v, out) => gemv(k, k, 1, a, v, 0, out), b, x, 200, 1e-12);
    expect(steps).toBeLessThanOrEqual(200);
    for (let t = 0; t < k; t++) expect(x[t]).toBeCloseTo(exact[t]!, 6);
  });

  it('improves a warm start monotonically in the A-norm error with few steps', () => {
    const rng = new Rng(6);
    const k = 24;
    const a = randomSpd(rng, k, 2);
    const b = Float64Array.from({ length: k }, () => rng.normal());
    const exact = solveSpd(a.slice(), k, b.slice());
    const matvec = (v: Float64Array, out: Float64Array): void => gemv(k, k, 1, a, v, 0, out);
    const errorOf = (x: Float64Array): number => {
      const d = Float64Array.from(x, (v, t) => v - exact[t]!);
      const ad = new Float64Array(k);
      matvec(d, ad);
      return d.reduce((s, v, t) => s + v * ad[t]!, 0);
    };
    const x = Float64Array.from(exact, (v) => v + 0.1 * rng.normal());
    const scratch = new CgScratch(k);
    let last = errorOf(x);
    for (let round = 0; round < 3; round++) {
      conjugateGradient(matvec, b, x, 2, 0, scratch);
      const e = errorOf(x);
      expect(e).toBeLessThan(last);
      last = e;
    }
  });

  it('takes no step when the start already solves the system, and accepts a given residual', () => {
    const a = Float64Array.of(2, 0, 0, 3);
    const b = Float64Array.of(2, 3);
    const x = Float64Array.of(1, 1);
    const matvec = (v: Float64Array, out: Float64Array): void => gemv(2, 2, 1, a, v, 0, out);
    expect(conjugateGradient(matvec, b, x, 5, 1e-9)).toBe(0);
    const y = new Float64Array(2);
    conjugateGradient(matvec, b, y, 5, 1e-12, new CgScratch(2), b.slice());
    expect(y[0]).toBeCloseTo(1, 12);
    expect(y[1]).toBeCloseTo(1, 12);
  });
});
