import { describe, expect, it } from 'vitest';
import type { SurfaceRulesInput } from '../../config/index.js';
import { pageOf } from './paginate.js';
import { compilePostProcess } from './plan.js';
import { postProcess } from './post-process.js';
import { NOW, lookupOf, syntheticCatalogue } from './testing/catalog.js';

const { attrs, candidates } = syntheticCatalogue(250, 3);

const everything: SurfaceRulesInput = {
  rules: [
    { type: 'boost', when: 'price < 15', factor: 1.3 },
    { type: 'bury', when: 'kind = "short"', factor: 0.7 },
    { type: 'exclude', when: 'tags contains "t9"' },
    { type: 'pin', item: 'i0100', position: 2, reason: 'featured' },
    { type: 'pin', item: 'i0200', position: 17 },
    { type: 'pin', item: 'i0150', position: 900 },
  ],
  freshness: { weight: 0.5, halfLifeDays: 3 },
  diversity: { lambda: 0.6, categoryCap: { max: 2, window: 6 } },
  exploration: { slots: [3, 8], every: 10, source: 'fresh', reason: 'new' },
};

describe('pagination', () => {
  it('pageOf slices and validates', () => {
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual([3, 4]);
    expect(pageOf([1, 2, 3], 5, 2)).toEqual([]);
    expect(() => pageOf([1], -1, 2)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => pageOf([1], 0, 1.5)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  const plan = compilePostProcess(everything);
  it.each([
    ['all steps on', plan, 10, 4],
    ['all steps on, odd page size', plan, 7, 99],
    ['plain', compilePostProcess({}), 10, 4],
    ['MMR only', compilePostProcess({ diversity: { lambda: 0.3 } }), 12, 4],
  ])('%s: pages 1..5 are disjoint and concatenate to one big page', (_name, p, size, seed) => {
    const ctx = { attributes: lookupOf(attrs), now: NOW, seed, disliked: new Set(['i0003', 'i0100']) };
    const pages = [0, 1, 2, 3, 4].map((k) => postProcess(candidates, { ...ctx, offset: k * size, n: size }, p).map((c) => c.id));
    const big = postProcess(candidates, { ...ctx, offset: 0, n: 5 * size }, p).map((c) => c.id);
    const all = pages.flat();
    expect(all).toEqual(big);
    expect(new Set(all).size).toBe(all.length);
    for (const page of pages) expect(page).toHaveLength(size);
  });

  it('stays consistent when the list runs out mid-page (short candidate lists, pins past the end)', () => {
    const few = candidates.slice(0, 23);
    const ctx = { attributes: lookupOf(attrs), now: NOW, seed: 5 };
    const pages = [0, 1, 2, 3, 4].map((k) => postProcess(few, { ...ctx, offset: k * 6, n: 6 }, plan).map((c) => c.id));
    const big = postProcess(few, { ...ctx, n: 30 }, plan).map((c) => c.id);
    expect(pages.flat()).toEqual(big);
    expect(new Set(big).size).toBe(big.length);
    // The far pin (position 900) follows the last item; pages after the end are empty.
    expect(big.at(-1)).toBe('i0150');
    expect(pages[4]).toEqual([]);
  });
});
