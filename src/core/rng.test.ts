import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

function draws(seed: number, n: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('follows xoshiro128** (published vector for state 1, 2, 3, 4)', () => {
    // Reference outputs of the authors' C code (xoshiro128starstar.c) from s = {1, 2, 3, 4];
    // the first three worked by hand: rotl(2·5, 7)·9 = 11520; then s1 = 0 gives 0; then
    // s1 = 1029 gives rotl(5145, 7)·9 = 5927040.
    const rng = new Rng(0);
    Object.assign(rng, { s0: 1, s1: 2, s2: 3, s3: 4 });
    const out = Array.from({ length: 10 }, () => rng.nextUint32());
    expect(out).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('is deterministic by seed', () => {
    expect(draws(12345, 1000)).toEqual(draws(12345, 1000));
    const a = new Rng(7);
    const b = new Rng(7);
    for (let k = 0; k < 100; k++) {
      expect(a.next()).toBe(b.next());
      expect(a.normal()).toBe(b.normal());
      expect(a.int(1000)).toBe(b.int(1000));
    }
  });

  it('gives different streams for different seeds (including adjacent ones and 0)', () => {
    for (const [s, t] of [
      [1, 2],
      [0, 1],
      [42, 43],
      [0, 0xffffffff],
    ] as const) {
      const a = draws(s, 200);
      const b = draws(t, 200);
      expect(a.filter((x, k) => x === b[k]).length).toBeLessThan(2);
    }
  });

  it('takes seeds mod 2^32', () => {
    expect(draws(2 ** 32 + 5, 20)).toEqual(draws(5, 20));
    expect(draws(-1, 20)).toEqual(draws(0xffffffff, 20));
  });

  it('nextUint32 is an unsigned 32-bit integer', () => {
    const bad = draws(3, 10_000).filter((x) => !Number.isInteger(x) || x < 0 || x > 0xffffffff);
    expect(bad).toEqual([]);
  });

  it('next() stays in [0, 1) with mean ≈ 1/2', () => {
    const rng = new Rng(99);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    const n = 100_000;
    for (let k = 0; k < n; k++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // sd of the mean is sqrt(1/12)/sqrt(n) ≈ 0.00091; allow 5 sd.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0046);
  });

  it('maps the largest uint32 to just below 1, so int(n) never returns n', () => {
    class MaxRng extends Rng {
      override nextUint32(): number {
        return 0xffffffff;
      }
    }
    const rng = new MaxRng(0);
    expect(rng.next()).toBeLessThan(1);
    expect(rng.next()).toBeCloseTo(1, 9);
    expect(rng.int(10)).toBe(9);
    expect(rng.int(1_000_000)).toBe(999_999);
  });

  it('int(n) stays in [0, n) and is roughly uniform (chi-square)', () => {
    const rng = new Rng(2024);
    const n = 7;
    const draws = 70_000;
    const counts = new Array<number>(n).fill(0);
    const outside: number[] = [];
    for (let k = 0; k < draws; k++) {
      const x = rng.int(n);
      if (!Number.isInteger(x) || x < 0 || x >= n) outside.push(x);
      else counts[x]!++;
    }
    expect(outside).toEqual([]);
    const expected = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 6 degrees of freedom: P(chi2 > 22.46) = 0.001.
    expect(chi2).toBeLessThan(22.46);
    expect(new Rng(1).int(1)).toBe(0);
  });

  it('normal() has mean ≈ 0, variance ≈ 1 and 68% within one sd over 100k draws', () => {
    const rng = new Rng(5);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let within1 = 0;
    let nonFinite = 0;
    for (let k = 0; k < n; k++) {
      const x = rng.normal();
      if (!Number.isFinite(x)) nonFinite++;
      sum += x;
      sumSq += x * x;
      if (Math.abs(x) < 1) within1++;
    }
    expect(nonFinite).toBe(0);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // sd of the mean ≈ 0.0032, of the variance ≈ sqrt(2/n) ≈ 0.0045; allow about 5 sd.
    expect(Math.abs(mean)).toBeLessThan(0.016);
    expect(Math.abs(variance - 1)).toBeLessThan(0.023);
    // P(|Z| < 1) = 0.6827, sd of the share ≈ 0.0015.
    expect(Math.abs(within1 / n - 0.6827)).toBeLessThan(0.0075);
  });

  it('shuffle returns the same array, permuted, deterministically', () => {
    const a = Array.from({ length: 50 }, (_, k) => k);
    const shuffled = new Rng(11).shuffle(a);
    expect(shuffled).toBe(a);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, k) => k));
    const again = new Rng(11).shuffle(Array.from({ length: 50 }, (_, k) => k));
    expect(again).toEqual(shuffled);
    const other = new Rng(12).shuffle(Array.from({ length: 50 }, (_, k) => k));
    expect(other).not.toEqual(shuffled);
  });

  it('shuffles typed arrays and trivial arrays', () => {
    const t = new Rng(1).shuffle(Int32Array.from([5, 6, 7, 8, 9]));
    expect(Array.from(t).sort()).toEqual([5, 6, 7, 8, 9]);
    expect(new Rng(1).shuffle([])).toEqual([]);
    expect(new Rng(1).shuffle(['only'])).toEqual(['only']);
  });

  it('shuffle reaches all 6 orders of 3 items about equally often (not a cyclic-only shuffle)', () => {
    const rng = new Rng(77);
    const counts = new Map<string, number>();
    const trials = 60_000;
    for (let k = 0; k < trials; k++) {
      const key = rng.shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
    const expected = trials / 6;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 5 degrees of freedom: P(chi2 > 20.52) = 0.001.
    expect(chi2).toBeLessThan(20.52);
  });
});
