import { describe, expect, it } from 'vitest';
import type { Candidate, ItemAttributes } from '../candidate.js';
import { FeatureAssembler, userProfile } from './features.js';

const DAY = 86_400_000;
// Wednesday 2025-01-15 18:30 UTC.
const NOW = Date.UTC(2025, 0, 15, 18, 30);

const items: Record<string, ItemAttributes> = {
  a: { kind: 'movie', categories: ['drama'], tags: [], numeric: {}, createdAt: NOW - 9 * DAY, hidden: false },
  b: { kind: 'movie', categories: ['comedy', 'drama'], tags: [], numeric: {}, createdAt: NOW, hidden: false },
  c: { kind: 'movie', categories: [], tags: [], numeric: {}, createdAt: NOW - DAY, hidden: false },
  h1: { kind: 'movie', categories: ['drama'], tags: [], numeric: {}, createdAt: 0, hidden: false },
  h2: { kind: 'movie', categories: ['drama', 'war'], tags: [], numeric: {}, createdAt: 0, hidden: false },
  h3: { kind: 'movie', categories: ['comedy'], tags: [], numeric: {}, createdAt: 0, hidden: false },
  h4: { kind: 'movie', categories: ['horror'], tags: [], numeric: {}, createdAt: 0, hidden: false },
};
const attributes = (id: string): ItemAttributes | undefined => items[id];
const cand = (id: string, sourceScores: Record<string, number>): Candidate => ({ id, sourceScores, source: Object.keys(sourceScores)[0]!, reason: '', score: 0 });

describe('FeatureAssembler', () => {
  const assembler = new FeatureAssembler({ sources: ['ials', 'itemknn', 'popular'] });
  const candidates = [cand('a', { ials: 0.5, itemknn: 2 }), cand('b', { ials: 0.9 }), cand('c', { popular: 40, ials: 0.1 }), cand('zz', { itemknn: 3 })];
  const user = userProfile(['h1', 'h2', 'h3', 'h4', 'gone'], attributes);
  const popularity = (id: string): number | undefined => ({ a: 10, b: 0, c: 99 })[id];
  const m = assembler.assemble({ candidates, attributes, popularity, user, now: NOW, surface: 'item' });
  const get = (row: number, name: string): number => m.values[row * m.cols + assembler.column(name)]!;

  it('has a fixed, named column order with a description per column', () => {
    expect(assembler.names.slice(0, 6)).toEqual(['score:ials', 'score:itemknn', 'score:popular', 'rank:ials', 'rank:itemknn', 'rank:popular']);
    expect(assembler.names).toContain('category_affinity');
    expect(assembler.descriptions.length).toBe(assembler.names.length);
    expect(m.rows).toBe(4);
    expect(m.cols).toBe(assembler.width);
  });

  it('fills only the source columns without context; fillContext then completes a row exactly', () => {
    const inputs = { candidates, attributes, popularity, user, now: NOW, surface: 'item' };
    const partial = assembler.assemble(inputs, undefined, { context: false });
    const sourceCols = 2 * 3;
    for (let r = 0; r < 4; r++) {
      const row = Array.from(partial.values.subarray(r * m.cols, (r + 1) * m.cols));
      expect(row.slice(0, sourceCols)).toEqual(Array.from(m.values.subarray(r * m.cols, r * m.cols + sourceCols)));
      expect(row.slice(sourceCols).every(Number.isNaN)).toBe(true);
    }
    assembler.fillContext(inputs, partial, 2);
    expect(Array.from(partial.values.subarray(2 * m.cols, 3 * m.cols))).toEqual(Array.from(m.values.subarray(2 * m.cols, 3 * m.cols)));
  });

  it('gives per-source scores and ranks, missing (NaN) when the source did not propose the item', () => {
    expect([0, 1, 2, 3].map((r) => get(r, 'score:ials'))).toEqual([0.5, 0.9, 0.1, NaN]);
    expect([0, 1, 2, 3].map((r) => get(r, 'rank:ials'))).toEqual([2, 1, 3, NaN]);
    expect([0, 1, 2, 3].map((r) => get(r, 'rank:itemknn'))).toEqual([2, NaN, NaN, 1]);
    expect([0, 1, 2, 3].map((r) => get(r, 'source_count'))).toEqual([2, 1, 2, 1]);
  });

  it('computes item, user and context features', () => {
    expect(get(0, 'item_popularity')).toBeCloseTo(Math.log1p(10), 12);
    expect(get(3, 'item_popularity')).toBe(0); // unknown to the counts
    expect(get(0, 'item_age_days')).toBeCloseTo(Math.log1p(9), 12);
    expect(get(3, 'item_age_days')).toBeNaN(); // unknown item
    expect(get(0, 'user_history')).toBeCloseTo(Math.log1p(5), 12);
    // History of 5 (one unknown): drama in 2, comedy in 1.
    expect(get(0, 'category_affinity')).toBeCloseTo(2 / 5, 12);
    expect(get(1, 'category_affinity')).toBeCloseTo(2 / 5, 12);
    expect(get(1, 'category_affinity_mean')).toBeCloseTo((1 / 5 + 2 / 5) / 2, 12);
    expect(get(2, 'category_affinity')).toBeNaN(); // no categories
    expect(get(0, 'content_similarity')).toBeNaN(); // no content model given
    expect(get(0, 'hour_of_day')).toBe(18);
    expect(get(0, 'day_of_week')).toBe(3);
    expect(get(0, 'surface')).toBe(1);
  });

  it('shifts the clock by the configured time zone and reuses an output buffer', () => {
    const tokyo = new FeatureAssembler({ sources: ['ials'], utcOffsetMinutes: 9 * 60, surfaces: ['home'] });
    const buf = new Float64Array(100).fill(7);
    const r = tokyo.assemble({ candidates: [cand('a', { ials: 1 })], attributes, popularity: () => 1, user, now: NOW, surface: 'email', contentSimilarity: () => 0.25 }, buf);
    expect(r.values.buffer).toBe(buf.buffer);
    const at = (name: string): number => r.values[tokyo.column(name)]!;
    expect(at('hour_of_day')).toBe(3);
    expect(at('day_of_week')).toBe(4); // already Thursday in Tokyo
    expect(at('surface')).toBeNaN(); // not a configured surface
    expect(at('content_similarity')).toBe(0.25);
  });

  it('gives a user without history missing affinities', () => {
    const empty = userProfile([], attributes);
    const r = assembler.assemble({ candidates: [cand('a', { ials: 1 })], attributes, popularity: () => 1, user: empty, now: NOW, surface: 'home' });
    expect(r.values[assembler.column('category_affinity')]).toBeNaN();
    expect(r.values[assembler.column('user_history')]).toBe(0);
  });
});
