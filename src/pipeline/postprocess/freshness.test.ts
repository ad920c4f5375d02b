import { describe, expect, it } from 'vitest';
import { freshnessBoost } from './freshness.js';
import { postProcess } from './post-process.js';
import { DAY, NOW, cand, item, lookupOf } from './testing/catalog.js';

describe('freshness', () => {
  it('is the full weight at age 0 and halves every half-life', () => {
    expect(freshnessBoost(0, 0.8, 7 * DAY)).toBe(0.8);
    expect(freshnessBoost(7 * DAY, 0.8, 7 * DAY)).toBeCloseTo(0.4, 12);
    expect(freshnessBoost(21 * DAY, 0.8, 7 * DAY)).toBeCloseTo(0.1, 12);
    expect(freshnessBoost(-3 * DAY, 0.8, 7 * DAY)).toBe(0.8); // created in the future: age 0
    expect(freshnessBoost(Number.NaN, 0.8, 7 * DAY)).toBe(0);
  });

  const attrs = { old: item({ createdAt: NOW - 70 * DAY }), week: item({ createdAt: NOW - 7 * DAY }), today: item({ createdAt: NOW }) };
  const ctx = { attributes: lookupOf(attrs), now: NOW, seed: 1, n: 10 };
  const input = () => [cand('old', 10), cand('week', 8), cand('today', 6)];

  it('multiplies by 1 + boost by default', () => {
    const out = postProcess(input(), ctx, { freshness: { weight: 1, halfLifeDays: 7 } });
    const score = Object.fromEntries(out.map((c) => [c.id, c.score]));
    expect(score.today).toBe(12);
    expect(score.week).toBeCloseTo(12, 12);
    expect(score.old).toBeCloseTo(10 * (1 + 2 ** -10), 12);
    expect(out[0]!.id).toBe('today'); // tie with week broken by id
  });

  it('adds the boost in add mode', () => {
    const out = postProcess(input(), ctx, { freshness: { weight: 5, halfLifeDays: 7, mode: 'add' } });
    expect(out.map((c) => [c.id, c.score])).toEqual([
      ['today', 11],
      ['week', 10.5],
      ['old', 10 + 5 * 2 ** -10],
    ]);
  });

  it('is off with weight 0 (the default) and keeps reasons', () => {
    const out = postProcess(input(), ctx, {});
    expect(out.map((c) => [c.id, c.score, c.reason])).toEqual([
      ['old', 10, 'because of old'],
      ['week', 8, 'because of week'],
      ['today', 6, 'because of today'],
    ]);
  });
});
