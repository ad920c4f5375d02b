import { describe, expect, it } from 'vitest';
import { DEFAULT_PIN_REASON } from './pins.js';
import { postProcess } from './post-process.js';
import { NOW, cand, item, lookupOf } from './testing/catalog.js';

const attrs = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'x', 'y'].map((id) => [id, item({ categories: [id === 'y' ? 'adult' : 'all'] })]));
attrs.h = item({ hidden: true });
const ctx = { attributes: lookupOf(attrs), now: NOW, seed: 1, n: 6 };
const list = () => ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => cand(id, 6 - i));
const ids = (rules: object, over: object = {}) => postProcess(list(), { ...ctx, ...over }, rules).map((c) => c.id);

describe('pins', () => {
  it('lands a pinned candidate at its position and shifts the rest down', () => {
    expect(ids({ rules: [{ type: 'pin', item: 'e', position: 2 }] })).toEqual(['a', 'e', 'b', 'c', 'd', 'f']);
    expect(ids({ rules: [{ type: 'pin', item: 'a', position: 4 }] })).toEqual(['b', 'c', 'd', 'a', 'e', 'f']);
  });

  it('inserts a pinned item that was not a candidate, with the rule reason or "featured"', () => {
    const out = postProcess(list(), ctx, { rules: [{ type: 'pin', item: 'x', position: 1 }, { type: 'pin', item: 'c', position: 3, reason: 'editor’s choice' }] });
    expect(out.map((c) => c.id)).toEqual(['x', 'a', 'c', 'b', 'd', 'e']);
    expect(out[0]).toMatchObject({ source: 'pin', reason: DEFAULT_PIN_REASON, score: 0 });
    expect(out[2]).toMatchObject({ source: 'als', reason: 'editor’s choice', score: 4 });
    expect(out[1]!.reason).toBe('because of a');
  });

  it('keeps a pinned candidate’s own reason when the rule gives none', () => {
    const out = postProcess(list(), ctx, { rules: [{ type: 'pin', item: 'f', position: 1 }] });
    expect(out[0]).toMatchObject({ id: 'f', reason: 'because of f' });
  });

  it('shows a pin only if it passes every filter', () => {
    const pinAll = { rules: ['h', 'zzz', 'b', 'y'].map((item, i) => ({ type: 'pin', item, position: i + 1 })) };
    expect(ids(pinAll, { disliked: new Set(['b']), request: { categories: ['all'] } })).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect(ids({ ...pinAll, rules: [...pinAll.rules, { type: 'exclude', when: 'id = "a"' }] }, { disliked: new Set(['b']) })).toEqual(['c', 'd', 'e', 'y', 'f']);
  });

  it('resolves collisions in config order and keeps one pin per item', () => {
    const rules = [
      { type: 'pin', item: 'f', position: 2 },
      { type: 'pin', item: 'e', position: 2 },
      { type: 'pin', item: 'f', position: 5 },
    ];
    expect(ids({ rules })).toEqual(['a', 'f', 'e', 'b', 'c', 'd']);
  });

  it('a pin past the end of a short list follows its last item', () => {
    expect(ids({ rules: [{ type: 'pin', item: 'x', position: 50 }] }, { n: 10 })).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'x']);
    expect(ids({ rules: [{ type: 'pin', item: 'x', position: 50 }] }, { n: 3 })).toEqual(['a', 'b', 'c']);
  });

  it('takes its position before an exploration slot, which then takes the next position', () => {
    const fresh = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => ({ ...cand(id, 6 - i), sourceScores: id === 'f' ? { fresh: 1 } : { als: 1 } }));
    const out = postProcess(fresh, ctx, { rules: [{ type: 'pin', item: 'x', position: 2 }], exploration: { slots: [2, 3], source: 'fresh' } });
    expect(out.map((c) => c.id)).toEqual(['a', 'x', 'f', 'b', 'c', 'd']);
  });
});
