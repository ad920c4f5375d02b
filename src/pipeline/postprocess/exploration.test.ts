import { describe, expect, it } from 'vitest';
import { ExplorationDraw } from './exploration.js';
import { postProcess } from './post-process.js';
import { DAY, NOW, lookupOf, syntheticCatalogue } from './testing/catalog.js';

const { attrs, candidates } = syntheticCatalogue(200);
const ctx = { attributes: lookupOf(attrs), now: NOW, seed: 11, n: 30 };
const fresh = new Set(candidates.filter((c) => c.source === 'fresh').map((c) => c.id));
const explore = { exploration: { slots: [3], every: 10, source: 'fresh', reason: 'new for you' } };

describe('exploration', () => {
  it('fills position 3 of every 10 with a fresh item, drawn from beyond the top', () => {
    const plain = postProcess(candidates, ctx, {}).map((c) => c.id);
    const out = postProcess(candidates, ctx, explore);
    expect(fresh.size).toBeGreaterThan(5);
    for (const pos of [2, 12, 22]) {
      expect(fresh.has(out[pos]!.id)).toBe(true);
      expect(out[pos]!.reason).toBe('new for you');
      expect(out[pos]!.source).toBe('fresh');
    }
    // The other positions follow the ranking, minus what the slots took.
    const slotIds = new Set([2, 12, 22].map((p) => out[p]!.id));
    const rest = out.filter((_, i) => ![2, 12, 22].includes(i)).map((c) => c.id);
    expect(rest).toEqual(plain.filter((id) => !slotIds.has(id)).slice(0, 27));
    expect(new Set(out.map((c) => c.id)).size).toBe(out.length);
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const draw = (seed: number) => postProcess(candidates, { ...ctx, seed }, explore).map((c) => c.id);
    expect(draw(11)).toEqual(draw(11));
    const picks = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => draw(seed)[2]));
    expect(picks.size).toBeGreaterThan(2);
  });

  it('does not depend on the order candidates arrive in', () => {
    const reversed = [...candidates].reverse();
    expect(postProcess(reversed, ctx, explore).map((c) => c.id)).toEqual(postProcess(candidates, ctx, explore).map((c) => c.id));
  });

  it('can select the pool by expression instead of source, and falls back to the ranking when it runs dry', () => {
    const ids = postProcess(candidates, { ...ctx, n: 200 }, { exploration: { slots: [1, 2], every: 3, when: 'age_days < 5' } }).map((c) => c.id);
    const young = (id: string): boolean => (NOW - attrs[id]!.createdAt) / DAY < 5;
    const poolSize = candidates.filter((c) => young(c.id)).length;
    // Slots 1 and 2 of each block of 3 are young items until the pool is used up.
    const slotPositions = ids.map((_, i) => i).filter((i) => i % 3 !== 2);
    const firstSlots = slotPositions.slice(0, poolSize);
    for (const i of firstSlots) expect(young(ids[i]!)).toBe(true);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
  });

  it('never explores a filtered item (a disliked fresh item stays out)', () => {
    const disliked = new Set([...fresh].slice(0, 3));
    for (let seed = 0; seed < 20; seed++) {
      const out = postProcess(candidates, { ...ctx, seed, disliked }, explore);
      for (const c of out) expect(disliked.has(c.id)).toBe(false);
    }
  });

  it('draws each pool item once, in a seed-determined order that prefixes agree on', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const d1 = new ExplorationDraw([0, 1, 2, 3, 4], ids, 5);
    const all = [1, 2, 3, 4, 5].map(() => d1.next());
    expect(new Set(all).size).toBe(5);
    expect(d1.next()).toBeUndefined();
    const d2 = new ExplorationDraw([4, 3, 2, 1, 0], ids, 5);
    expect([d2.next(), d2.next()]).toEqual(all.slice(0, 2));
  });
});
