import { describe, expect, it } from 'vitest';
import type { ItemAttributes } from '../candidate.js';
import type { PostProcessContext } from './context.js';
import { FILTER_ORDER, applyFilters, makeFilterCheck, type FilterName } from './filters.js';
import { compilePostProcess } from './plan.js';
import { NOW, cand, item, lookupOf } from './testing/catalog.js';

// One item per filter, each tripping exactly that filter, plus two that pass everything.
const attrs: Record<string, ItemAttributes> = {
  hidden: item({ hidden: true, categories: ['drama'], tags: ['x'] }),
  unavailable: item({ categories: ['drama'], tags: ['x'] }),
  disliked: item({ categories: ['drama'], tags: ['x'] }),
  seen: item({ categories: ['drama'], tags: ['x'] }),
  excluded: item({ categories: ['drama'], tags: ['x'] }),
  category: item({ categories: ['horror'], tags: ['x'] }),
  tag: item({ categories: ['drama'], tags: ['y'] }),
  filter: item({ categories: ['drama'], tags: ['x'], numeric: { price: 99 } }),
  'require-rule': item({ kind: 'trailer', categories: ['drama'], tags: ['x'] }),
  'exclude-rule': item({ categories: ['drama'], tags: ['x', 'nsfw'] }),
  keep1: item({ categories: ['drama', 'horror'], tags: ['x'] }),
  keep2: item({ categories: ['comedy'], tags: ['z', 'x'], numeric: { price: 5 } }),
};

const plan = compilePostProcess({
  rules: [
    { type: 'require', when: 'kind != "trailer"' },
    { type: 'exclude', when: 'tags contains "nsfw"' },
  ],
});

const ctx: PostProcessContext = {
  attributes: lookupOf(attrs),
  now: NOW,
  seed: 1,
  n: 10,
  isAvailable: (id) => id !== 'unavailable',
  disliked: new Set(['disliked']),
  seen: new Set(['seen']),
  request: { exclude: new Set(['excluded']), categories: ['drama', 'comedy'], tags: ['x', 'z'], filter: 'not (price > 50)' },
};

describe('filters', () => {
  it('each filter removes exactly its item and nothing else', () => {
    const check = makeFilterCheck(ctx, plan);
    const ids = ['unknown', ...Object.keys(attrs)];
    const verdicts = Object.fromEntries(ids.map((id) => [id, check(id, ctx.attributes(id)) ?? 'kept']));
    const expected: Record<string, FilterName | 'kept'> = Object.fromEntries(FILTER_ORDER.map((f) => [f, f]));
    expect(verdicts).toEqual({ ...expected, keep1: 'kept', keep2: 'kept' });
  });

  it('reports the first filter in order when several apply', () => {
    const check = makeFilterCheck({ ...ctx, disliked: new Set(['hidden', 'seen']) }, plan);
    expect(check('hidden', attrs.hidden)).toBe('hidden');
    expect(check('seen', attrs.seen)).toBe('disliked');
  });

  it('keeps seen items when excludeSeen is false, never disliked ones', () => {
    const check = makeFilterCheck({ ...ctx, excludeSeen: false }, plan);
    expect(check('seen', attrs.seen)).toBeUndefined();
    expect(check('disliked', attrs.disliked)).toBe('disliked');
  });

  it('without request filters or rules, only the item-state and user filters apply', () => {
    const check = makeFilterCheck({ attributes: ctx.attributes, now: NOW, seed: 1, n: 10 }, compilePostProcess({}));
    const removed = Object.keys(attrs).filter((id) => check(id, attrs[id]) !== undefined);
    expect(removed).toEqual(['hidden']);
  });

  it('applyFilters keeps survivors in input order as copies, drops duplicates, and never touches the input', () => {
    const input = [cand('keep2', 1), cand('disliked', 9), cand('keep1', 2), cand('keep2', 5), cand('unknown', 3)];
    const before = structuredClone(input);
    const out = applyFilters(input, ctx, makeFilterCheck(ctx, plan));
    expect(out.items.map((c) => [c.id, c.score])).toEqual([
      ['keep2', 1],
      ['keep1', 2],
    ]);
    expect(out.attrs).toEqual([attrs.keep2, attrs.keep1]);
    expect(out.items[0]).not.toBe(input[0]);
    expect(input).toEqual(before);
  });

  it('copies keep the ranking features (the impression log records them)', () => {
    const ranked = { ...cand('keep1', 1), features: Float64Array.of(0.5, 2) };
    expect(applyFilters([ranked], ctx, makeFilterCheck(ctx, plan)).items[0]!.features).toEqual(Float64Array.of(0.5, 2));
  });

  it('turns a NaN score into -Infinity so that sorting stays total', () => {
    const out = applyFilters([cand('keep1', Number.NaN)], ctx, makeFilterCheck(ctx, plan));
    expect(out.items[0]!.score).toBe(-Infinity);
  });

  it('a bad ?filter= is a VALIDATION_FAILED for the request', () => {
    expect(() => makeFilterCheck({ ...ctx, request: { filter: 'price <' } }, plan)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
