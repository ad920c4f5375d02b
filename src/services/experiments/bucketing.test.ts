import { describe, expect, it } from 'vitest';
import { bucketOf, murmur3, variantAt } from './bucketing.js';

describe('murmur3 (x86, 32-bit)', () => {
  it('matches the reference implementation on known inputs', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello', 0)).toBe(0x248bfa47);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });

  it('hashes the UTF-8 bytes of non-ASCII ids', () => {
    expect(murmur3('é')).toBe(murmur3('\u00e9'));
    expect(murmur3('é')).not.toBe(murmur3('e\u0301'));
  });
});

describe('bucketing', () => {
  it('is stable: the same salt and user always land in the same place', () => {
    expect(bucketOf('exp-1', 'alice')).toBe(bucketOf('exp-1', 'alice'));
    // Pinned: a change of hash or separator would move every running experiment's users.
    expect(bucketOf('exp-1', 'alice')).toBe(murmur3('exp-1\u0000alice') / 2 ** 32);
    expect(bucketOf('ab', 'c')).not.toBe(bucketOf('a', 'bc'));
  });

  it('spreads sequential user ids uniformly (chi-square over 20 bins)', () => {
    const bins = new Array<number>(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) bins[Math.floor(bucketOf('salt', `user${i}`) * 20)]!++;
    const expected = n / 20;
    const chi2 = bins.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // the 0.999 quantile of chi-square with 19 degrees of freedom
  });

  it('buckets independently under two salts (no user is in B of every experiment)', () => {
    let both = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) if (bucketOf('first', `u${i}`) < 0.5 && bucketOf('second', `u${i}`) < 0.5) both++;
    expect(Math.abs(both / n - 0.25)).toBeLessThan(0.01);
  });

  it('picks variants in proportion to their shares', () => {
    const variants = [
      { name: 'a', share: 0.7 },
      { name: 'b', share: 0.2 },
      { name: 'c', share: 0.1 },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const n = 50_000;
    for (let i = 0; i < n; i++) counts[variantAt(variants, bucketOf('s', `u${i}`)).name]!++;
    expect(counts['a']! / n).toBeCloseTo(0.7, 1);
    expect(counts['b']! / n).toBeCloseTo(0.2, 1);
    expect(counts['c']! / n).toBeCloseTo(0.1, 1);
    expect(variantAt(variants, 0).name).toBe('a');
    expect(variantAt(variants, 0.7).name).toBe('b');
    expect(variantAt(variants, 0.9999999).name).toBe('c');
  });
});
