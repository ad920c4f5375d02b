import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../core/index.js';
import { pairedDifference, VariantScorer } from './replay-scorer.js';

describe('VariantScorer, hand-computed', () => {
  // Items a b c d; categories {X} {X} {Y} {}; users with positives before `from`: 3 in all, on
  // a 3, b 1, c 0, d 0 → popularity percentiles a 1, b 2/3, c and d 1/6 (tied at mid-rank 1.5).
  const facts = { items: IdIndex.from(['a', 'b', 'c', 'd']), categories: [['X'], ['X'], ['Y'], []], itemUsers: [3, 1, 0, 0], users: 3 };

  it('averages accuracy over users, and beyond-accuracy over lists, slots and the catalogue', () => {
    const scorer = new VariantScorer(facts, [2]);
    scorer.add(['a', 'c'], new Set(['c'])); // hit at rank 2
    scorer.add(['b', 'zz'], new Set(['a', 'd'])); // no hit; zz is unknown, so a one-item list
    const m = scorer.metrics();
    expect(m['recall@2']).toBeCloseTo((1 + 0) / 2, 12);
    expect(m['ndcg@2']).toBeCloseTo(1 / Math.log2(3) / 2, 12);
    expect(m['precision@2']).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(m['map@2']).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(m['mrr@2']).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(m['hitrate@2']).toBeCloseTo(1 / 2, 12);
    // Diversity: d(a, c) = 1 for the first list; the one-item list has no pair and is left out.
    expect(m['diversity@2']).toBeCloseTo(1, 12);
    // Novelty: list 1 (log2(4/4) + log2(4/1)) / 2 = 1, list 2 log2(4/2) = 1.
    expect(m['novelty@2']).toBeCloseTo(1, 12);
    // Popularity percentile over the three recommended slots a, c, b.
    expect(m['popPercentile@2']).toBeCloseTo((1 + 1 / 6 + 2 / 3) / 3, 12);
    // Exposure a 1, b 1, c 1, d 0: coverage 3/4; Gini (−1 + 1 + 3) / (4 · 3).
    expect(m['coverage@2']).toBeCloseTo(3 / 4, 12);
    expect(m['gini@2']).toBeCloseTo(3 / 12, 12);
    expect(scorer.users).toBe(2);
    expect(scorer.unknownItems).toBe(1);
    expect(scorer.shortLists).toBe(1);
    expect(scorer.perUser.get('recall@2')).toEqual([1, 0]);
  });
});

describe('pairedDifference', () => {
  it('gives the mean per-user difference with ±1.96 standard errors', () => {
    // Differences 1, 0, 0: mean 1/3; sample variance ((2/3)² + 2·(1/3)²) / 2 = 1/3; SE √(1/3 / 3) = 1/3.
    const d = pairedDifference([1, 0.5, 0], [0, 0.5, 0]);
    expect(d.mean).toBeCloseTo(1 / 3, 12);
    expect(d.low).toBeCloseTo(1 / 3 - 1.96 / 3, 12);
    expect(d.high).toBeCloseTo(1 / 3 + 1.96 / 3, 12);
    expect(pairedDifference([0.2, 0.2], [0.1, 0.1])).toMatchObject({ low: expect.closeTo(0.1, 12), high: expect.closeTo(0.1, 12) });
    expect(pairedDifference([], []).mean).toBeNaN();
  });
});
