import { describe, expect, it } from 'vitest';
import { Rng } from '../core/index.js';
import { addDiagonal, addOuter, axpy, dot, gemv, gram, norm2, scal } from './blas.js';

function randomArray(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

describe('dot / axpy / scal', () => {
  it('match naive loops for every remainder of the unrolled loop', () => {
    const rng = new Rng(1);
    for (let n = 0; n <= 9; n++) {
      const a = randomArray(rng, n + 3);
      const b = Float32Array.from(randomArray(rng, n + 2));
      let ref = 0;
      for (let t = 0; t < n; t++) ref += a[t + 3]! * b[t + 2]!;
      expect(dot(a, 3, b, 2, n)).toBeCloseTo(ref, 12);

      const y = randomArray(rng, n);
      const yRef = Float64Array.from(y, (v, t) => v + 0.5 * a[t + 1]!);
      axpy(0.5, a, 1, y, 0, n);
      for (let t = 0; t < n; t++) expect(y[t]).toBeCloseTo(yRef[t]!, 12);
    }
  });

  it('hand cases', () => {
    expect(dot(Float64Array.of(1, 2, 3), 0, Float64Array.of(4, 5, 6), 0, 3)).toBe(32);
    const x = Float32Array.of(1, 2, 3, 4);
    scal(2, x, 1, 2);
    expect(Array.from(x)).toEqual([1, 4, 6, 4]);
    expect(norm2(Float64Array.of(3, 4), 0, 2)).toBe(5);
  });
});

describe('gemv', () => {
  it('computes alpha·A x + beta·y for row-major A, any row count', () => {
    const rng = new Rng(2);
    for (const m of [1, 3, 4, 7, 9]) {
      const n = 5;
      const a = Float32Array.from(randomArray(rng, m * n));
      const x = randomArray(rng, n);
      const y0 = randomArray(rng, m);
      const y = y0.slice();
      gemv(m, n, 2, a, x, 0.5, y);
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += a[r * n + t]! * x[t]!;
        expect(y[r]).toBeCloseTo(2 * s + 0.5 * y0[r]!, 10);
      }
    }
  });

  it('ignores the old y when beta is 0, even NaN', () => {
    const y = Float64Array.of(NaN, NaN);
    gemv(2, 2, 1, Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1), 0, y);
    expect(Array.from(y)).toEqual([3, 7]);
  });
});

describe('gram', () => {
  it('equals YᵀY computed naively and is symmetric', () => {
    const rng = new Rng(3);
    const n = 13;
    const k = 6;
    const y = Float32Array.from(randomArray(rng, n * k));
    const g = gram(y, n, k, new Float64Array(k * k));
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += y[r * k + a]! * y[r * k + b]!;
        expect(g[a * k + b]).toBeCloseTo(s, 10);
        expect(g[a * k + b]).toBe(g[b * k + a]);
      }
    }
  });

  it('weights rows when given weights: YᵀDY', () => {
    const y = Float64Array.of(1, 2, 3, 4); // rows (1, 2) and (3, 4)
    const g = gram(y, 2, 2, new Float64Array(4), Float64Array.of(2, 0.5));
    // 2·(1,2)ᵀ(1,2) + 0.5·(3,4)ᵀ(3,4)
    expect(Array.from(g)).toEqual([2 + 4.5, 4 + 6, 4 + 6, 8 + 8]);
  });

  it('addOuter and addDiagonal build x xᵀ + d I', () => {
    const a = new Float64Array(4);
    addOuter(2, Float32Array.of(9, 1, 2), 1, 2, a);
    addDiagonal(a, 2, 1);
    expect(Array.from(a)).toEqual([3, 4, 4, 9]);
  });
});
