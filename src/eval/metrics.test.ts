import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAtK,
  catalogueCoverage,
  hitRateAtK,
  hitsAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  reciprocalRankAtK,
} from './metrics.js';

const log2 = Math.log2;

/** Every per-user metric at once, to state each hand-computed case in one place. */
function all(ranked: number[], relevant: number[], k: number) {
  const rel = new Set(relevant);
  return {
    hits: hitsAtK(ranked, rel, k),
    recall: recallAtK(ranked, rel, k),
    precision: precisionAtK(ranked, rel, k),
    ndcg: ndcgAtK(ranked, rel, k),
    ap: averagePrecisionAtK(ranked, rel, k),
    rr: reciprocalRankAtK(ranked, rel, k),
    hit: hitRateAtK(ranked, rel, k),
  };
}

function expectClose(actual: Record<string, number>, expected: Record<string, number>): void {
  for (const [name, value] of Object.entries(expected)) {
    if (Number.isNaN(value)) expect(actual[name], name).toBeNaN();
    else expect(actual[name], name).toBeCloseTo(value, 12);
  }
}

describe('ranking metrics, hand-computed', () => {
  // ranked 5 3 8 1 9, relevant {3, 9, 7}: hits at ranks 2 and 5.
  const ranked = [5, 3, 8, 1, 9];
  const relevant = [3, 9, 7];

  it('scores a partial hit list at K = 5', () => {
    expectClose(all(ranked, relevant, 5), {
      hits: 2,
      recall: 2 / 3,
      precision: 2 / 5,
      // DCG = 1/log2(3) + 1/log2(6); ideal = 3 hits on top = 1 + 1/log2(3) + 1/log2(4)
      ndcg: (1 / log2(3) + 1 / log2(6)) / (1 + 1 / log2(3) + 1 / 2),
      // (P@2 + P@5) / min(3, 5) = (1/2 + 2/5) / 3
      ap: (1 / 2 + 2 / 5) / 3,
      rr: 1 / 2,
      hit: 1,
    });
    // The literal values, so a shared mistake in the formulas above would still show.
    expect(ndcgAtK(ranked, new Set(relevant), 5)).toBeCloseTo(0.477624, 6);
    expect(averagePrecisionAtK(ranked, new Set(relevant), 5)).toBeCloseTo(0.3, 12);
  });

  it('only counts the top K (K = 2)', () => {
    expectClose(all(ranked, relevant, 2), {
      hits: 1,
      recall: 1 / 3,
      precision: 1 / 2,
      ndcg: 1 / log2(3) / (1 + 1 / log2(3)),
      ap: 1 / 2 / 2,
      rr: 1 / 2,
      hit: 1,
    });
  });

  it('scores no hits as zero', () => {
    expectClose(all([1, 2, 3], [9], 3), { hits: 0, recall: 0, precision: 0, ndcg: 0, ap: 0, rr: 0, hit: 0 });
  });

  it('ignores a hit just beyond K', () => {
    expectClose(all([1, 2, 3, 4], [4], 3), { hits: 0, recall: 0, ndcg: 0, ap: 0, rr: 0, hit: 0 });
  });

  it('scores all hits as one', () => {
    expectClose(all([4, 7], [4, 7], 2), { hits: 2, recall: 1, precision: 1, ndcg: 1, ap: 1, rr: 1, hit: 1 });
  });

  it('keeps recall below one when |relevant| > K (BARS: hits / |relevant|)', () => {
    // Five relevant items, K = 3, the top 3 all relevant: recall 3/5, but NDCG and AP are
    // normalised by min(|relevant|, K) = 3 and reach 1.
    expectClose(all([1, 2, 3], [1, 2, 3, 4, 5], 3), { hits: 3, recall: 3 / 5, precision: 1, ndcg: 1, ap: 1, rr: 1, hit: 1 });
  });

  it('scores a list shorter than K as if padded with misses', () => {
    expectClose(all([4], [4, 7], 3), {
      hits: 1,
      recall: 1 / 2,
      precision: 1 / 3,
      ndcg: 1 / (1 + 1 / log2(3)),
      ap: 1 / 2,
      rr: 1,
      hit: 1,
    });
  });

  it('counts a repeated item once', () => {
    expectClose(all([4, 4, 4], [4], 3), { hits: 1, recall: 1, precision: 1 / 3, ndcg: 1, ap: 1, rr: 1 });
  });

  it('is undefined (NaN) where the denominator is an empty relevant set', () => {
    expectClose(all([1, 2], [], 2), { hits: 0, recall: NaN, precision: 0, ndcg: NaN, ap: NaN, rr: 0, hit: 0 });
  });

  it('gives the reciprocal rank of the first hit only', () => {
    expect(reciprocalRankAtK([8, 9, 1, 2], new Set([1, 2]), 4)).toBeCloseTo(1 / 3, 12);
  });
});

describe('catalogueCoverage', () => {
  it('counts distinct items over the top K of all lists', () => {
    const lists = [
      [0, 1, 2],
      [1, 2, 3],
    ];
    expect(catalogueCoverage(lists, 10, 2)).toBeCloseTo(3 / 10, 12); // {0, 1, 2}
    expect(catalogueCoverage(lists, 10, 3)).toBeCloseTo(4 / 10, 12); // {0, 1, 2, 3}
    expect(catalogueCoverage([], 10, 3)).toBe(0);
    expect(catalogueCoverage([], 0, 3)).toBe(0);
  });

  it('rejects an item outside the catalogue', () => {
    expect(() => catalogueCoverage([[12]], 10, 1)).toThrow(RangeError);
  });
});
