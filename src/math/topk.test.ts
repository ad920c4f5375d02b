import { describe, expect, it } from 'vitest';
import { Rng } from '../core/index.js';
import { topK } from './topk.js';

/** The reference: a full sort, higher score first, ties to the lower index. */
function reference(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (Number.isFinite(scores[i]!) && !(skip?.(i) ?? false)) idx.push(i);
  }
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, Math.max(k, 0));
}

describe('topK', () => {
  it('ranks a worked example, ties to the lower index', () => {
    const r = topK([0.5, 2, 0.5, 3, 2, -1], 4);
    expect(Array.from(r.indices)).toEqual([3, 1, 4, 0]);
    expect(Array.from(r.scores)).toEqual([3, 2, 2, 0.5]);
    expect(r.indices).toBeInstanceOf(Int32Array);
    expect(r.scores).toBeInstanceOf(Float32Array);
  });

  it('matches a full sort on random data with many ties', () => {
    const rng = new Rng(4);
    for (let trial = 0; trial < 300; trial++) {
      const n = rng.int(120);
      // Few distinct values → many ties; some negative.
      const scores = Float32Array.from({ length: n }, () => rng.int(8) - 3);
      const k = [0, 1, 5, 17, n, n + 3][trial % 6]!;
      const r = topK(scores, k);
      const ref = reference(scores, k);
      expect(Array.from(r.indices)).toEqual(ref);
      expect(Array.from(r.scores)).toEqual(ref.map((i) => scores[i]!));
    }
  });

  it('matches a full sort with a skip callback', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + rng.int(80);
      const scores = Array.from({ length: n }, () => rng.int(5));
      const banned = new Set(Array.from({ length: rng.int(n) }, () => rng.int(n)));
      const skip = (i: number): boolean => banned.has(i);
      const k = 1 + rng.int(n + 2);
      const r = topK(scores, k, skip);
      expect(Array.from(r.indices)).toEqual(reference(scores, k, skip));
      for (const i of r.indices) expect(banned.has(i)).toBe(false);
    }
  });

  it('ignores NaN and ±Infinity', () => {
    const scores = [NaN, 1, Infinity, -Infinity, 3, NaN, -5];
    const r = topK(scores, 10);
    expect(Array.from(r.indices)).toEqual([4, 1, 6]);
    expect(Array.from(r.scores)).toEqual([3, 1, -5]);
    expect(topK([NaN, Infinity, -Infinity], 2).indices.length).toBe(0);
  });

  it('k = 0 (or negative) gives an empty list without calling skip', () => {
    let calls = 0;
    const skip = (): boolean => {
      calls++;
      return false;
    };
    expect(topK([1, 2, 3], 0, skip).indices.length).toBe(0);
    expect(topK([1, 2, 3], -2, skip).scores.length).toBe(0);
    expect(calls).toBe(0);
  });

  it('k > n returns every finite score, sorted', () => {
    const r = topK([2, 9, 4], 10);
    expect(Array.from(r.indices)).toEqual([1, 2, 0]);
    expect(Array.from(r.scores)).toEqual([9, 4, 2]);
    expect(topK([], 3).indices.length).toBe(0);
  });

  it('keeps float32 scores exactly', () => {
    const scores = Float32Array.from([0.1, 0.3, 0.2]);
    const r = topK(scores, 2);
    expect(Array.from(r.scores)).toEqual([scores[1], scores[2]]);
  });
});
