import { describe, expect, it } from 'vitest';
import type { ItemAttributes } from '../candidate.js';
import { diversify } from './diversity.js';
import { postProcess } from './post-process.js';
import { jaccardSimilarity, pairwiseSimilarity } from './similarity.js';
import { NOW, item, lookupOf, syntheticCatalogue } from './testing/catalog.js';

const { attrs, candidates } = syntheticCatalogue(300);
const ctx = { attributes: lookupOf(attrs), now: NOW, seed: 1, n: 40 };
const categoryOf = (id: string): string => attrs[id]!.categories[0]!;

/** Longest run of consecutive items sharing a category. */
function longestRun(ids: readonly string[]): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < ids.length; i++) {
    run = i > 0 && categoryOf(ids[i]!) === categoryOf(ids[i - 1]!) ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

/** How many neighbours share a category. */
function adjacentSame(ids: readonly string[]): number {
  let n = 0;
  for (let i = 1; i < ids.length; i++) if (categoryOf(ids[i]!) === categoryOf(ids[i - 1]!)) n++;
  return n;
}

/** Most items of one category in any `window` consecutive positions. */
function maxInWindow(ids: readonly string[], window: number): number {
  let worst = 0;
  for (let s = 0; s + window <= ids.length; s++) {
    const counts = new Map<string, number>();
    for (const id of ids.slice(s, s + window)) for (const c of attrs[id]!.categories) counts.set(c, (counts.get(c) ?? 0) + 1);
    worst = Math.max(worst, ...counts.values());
  }
  return worst;
}

describe('jaccard similarity', () => {
  it('is |A∩B| / |A∪B| over categories and tags, with categories and tags kept apart', () => {
    const items: ItemAttributes[] = [
      item({ categories: ['drama'], tags: ['a', 'b'] }),
      item({ categories: ['drama'], tags: ['b', 'c'] }),
      item({ categories: [], tags: ['drama'] }),
      item({}),
      item({ categories: ['drama', 'drama'], tags: ['a', 'b', 'a'] }),
    ];
    const sim = jaccardSimilarity(['0', '1', '2', '3', '4'], items);
    expect(sim(0, 1)).toBeCloseTo(2 / 4, 12);
    expect(sim(0, 2)).toBe(0);
    expect(sim(0, 3)).toBe(0);
    expect(sim(0, 0)).toBe(1);
    expect(sim(0, 4)).toBe(1); // duplicates count once
  });
});

describe('MMR diversity', () => {
  it('plain sorting gives long same-category runs; MMR breaks them up', () => {
    const plain = postProcess(candidates, ctx, {}).map((c) => c.id);
    const mmr = postProcess(candidates, ctx, { diversity: { lambda: 0.7 } }).map((c) => c.id);
    expect(longestRun(plain)).toBe(8);
    expect(adjacentSame(plain)).toBe(35);
    expect(longestRun(mmr)).toBeLessThanOrEqual(3);
    expect(adjacentSame(mmr)).toBeLessThan(35 / 2);
    // Still relevance-led: the first pick is the top item, and the list is drawn from near the top.
    expect(mmr[0]).toBe(plain[0]);
    const rank = new Map(postProcess(candidates, { ...ctx, n: 300 }, {}).map((c, i) => [c.id, i]));
    expect(Math.max(...mmr.map((id) => rank.get(id)!))).toBeLessThan(120);
  });

  it('λ = 1 is plain relevance order', () => {
    const plain = postProcess(candidates, ctx, {}).map((c) => c.id);
    expect(postProcess(candidates, ctx, { diversity: { lambda: 1 } }).map((c) => c.id)).toEqual(plain);
  });

  it('follows MMR exactly on a small case', () => {
    // scores 1, 0.9, 0.8 → rel 1, 0.5, 0; sim(0,1) = 1, sim(0,2) = 0.
    // λ = 0.5: pick 0; then 1 → 0.5·0.5 − 0.5·1 = −0.25, 2 → 0 − 0 = 0: pick 2, then 1.
    const a = [item({ tags: ['x'] }), item({ tags: ['x'] }), item({ tags: ['y'] })];
    const order = diversify([0, 1, 2], [1, 0.9, 0.8], a, 3, { lambda: 0.5, cap: undefined }, () => jaccardSimilarity(['0', '1', '2'], a));
    expect(order).toEqual([0, 2, 1]);
    const lean = diversify([0, 1, 2], [1, 0.9, 0.8], a, 3, { lambda: 0.8, cap: undefined }, () => jaccardSimilarity(['0', '1', '2'], a));
    expect(lean).toEqual([0, 1, 2]); // 0.8·0.5 − 0.2 = 0.2 > 0
  });

  it('takes a pluggable similarity', () => {
    const byPrice = pairwiseSimilarity((x, y) => (Math.abs(x.attrs.numeric.price! - y.attrs.numeric.price!) < 5 ? 1 : 0));
    const out = postProcess(candidates, { ...ctx, similarity: byPrice, n: 6 }, { diversity: { lambda: 0.3 } });
    const closestPair = (ids: readonly string[]): number => {
      const prices = ids.map((id) => attrs[id]!.numeric.price!);
      let min = Infinity;
      for (let i = 0; i < prices.length; i++) for (let j = 0; j < i; j++) min = Math.min(min, Math.abs(prices[i]! - prices[j]!));
      return min;
    };
    expect(closestPair(out.map((c) => c.id))).toBeGreaterThanOrEqual(5);
    expect(closestPair(postProcess(candidates, { ...ctx, n: 6 }, {}).map((c) => c.id))).toBeLessThan(5);
  });

  it('is prefix-stable: a shorter run is the start of a longer one', () => {
    const cfg = { diversity: { lambda: 0.6, categoryCap: { max: 2, window: 5 } } };
    const long = postProcess(candidates, { ...ctx, n: 60 }, cfg).map((c) => c.id);
    for (const n of [1, 7, 20, 33]) expect(postProcess(candidates, { ...ctx, n }, cfg).map((c) => c.id)).toEqual(long.slice(0, n));
  });
});

describe('category caps', () => {
  it('holds at most max of a category in every window', () => {
    const out = postProcess(candidates, ctx, { diversity: { categoryCap: { max: 2, window: 5 } } }).map((c) => c.id);
    expect(out).toHaveLength(40);
    expect(maxInWindow(out, 5)).toBeLessThanOrEqual(2);
    expect(maxInWindow(postProcess(candidates, ctx, {}).map((c) => c.id), 5)).toBe(5);
  });

  it('a whole-list cap (window 0) holds over the whole list, together with MMR', () => {
    const out = postProcess(candidates, { ...ctx, n: 18 }, { diversity: { lambda: 0.7, categoryCap: { max: 3 } } }).map((c) => c.id);
    expect(maxInWindow(out, out.length)).toBeLessThanOrEqual(3);
    expect(out).toHaveLength(18);
  });

  it('reorders but never shortens: with one category left, it is placed anyway', () => {
    const few = { a: item({ categories: ['x'] }), b: item({ categories: ['x'] }), c: item({ categories: ['x'] }), d: item({ categories: ['y'] }) };
    const list = ['a', 'b', 'c', 'd'].map((id, i) => ({ id, score: 4 - i, source: 's', reason: 'r', sourceScores: {} }));
    const out = postProcess(list, { attributes: lookupOf(few), now: NOW, seed: 1, n: 4 }, { diversity: { categoryCap: { max: 1, window: 2 } } });
    expect(out.map((c) => c.id)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('counts every category of a multi-category item', () => {
    const multi = { a: item({ categories: ['x', 'y'] }), b: item({ categories: ['y'] }), c: item({ categories: ['z'] }) };
    const list = ['a', 'b', 'c'].map((id, i) => ({ id, score: 3 - i, source: 's', reason: 'r', sourceScores: {} }));
    const out = postProcess(list, { attributes: lookupOf(multi), now: NOW, seed: 1, n: 3 }, { diversity: { categoryCap: { max: 1, window: 2 } } });
    expect(out.map((c) => c.id)).toEqual(['a', 'c', 'b']);
  });
});
