import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAtK,
  catalogueCoverage,
  ExposureCounter,
  giniIndex,
  hitRateAtK,
  intraListDiversity,
  jaccardDistance,
  noveltyAtK,
  popularityPercentiles,
  selfInformation,
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

describe('beyond-accuracy metrics, hand-computed', () => {
  it('jaccardDistance: 1 − shared / union of the label sets', () => {
    expect(jaccardDistance(['Drama', 'Crime'], ['Crime', 'Comedy'])).toBeCloseTo(1 - 1 / 3, 12);
    expect(jaccardDistance(['Drama'], ['Drama'])).toBe(0);
    expect(jaccardDistance(['Drama'], ['Horror'])).toBe(1);
    expect(jaccardDistance(['Drama', 'Drama'], ['Drama'])).toBe(0); // sets, not lists
    expect(jaccardDistance([], [])).toBe(0);
    expect(jaccardDistance([], ['Horror'])).toBe(1);
  });

  it('intraListDiversity: mean distance over the pairs of the top K', () => {
    // Items 0, 1, 2 with categories {A}, {A, B}, {C}: d(0,1) = 1/2, d(0,2) = 1, d(1,2) = 1.
    const labels = [['A'], ['A', 'B'], ['C']];
    const d = (a: number, b: number) => jaccardDistance(labels[a]!, labels[b]!);
    expect(intraListDiversity([0, 1, 2], 3, d)).toBeCloseTo((0.5 + 1 + 1) / 3, 12); // 0.8333…
    expect(intraListDiversity([0, 1, 2], 2, d)).toBeCloseTo(0.5, 12); // only the pair (0, 1)
    expect(intraListDiversity([0], 5, d)).toBeNaN();
    expect(intraListDiversity([], 5, d)).toBeNaN();
  });

  it('selfInformation and noveltyAtK: mean −log2((users of item + 1) / (users + 1))', () => {
    // 7 users; item 0 touched by all 7, item 1 by 3, item 2 by none.
    expect(selfInformation(7, 7)).toBe(0);
    expect(selfInformation(3, 7)).toBeCloseTo(1, 12); // −log2(4/8)
    expect(selfInformation(0, 7)).toBeCloseTo(3, 12); // −log2(1/8)
    const itemUsers = [7, 3, 0];
    expect(noveltyAtK([0, 1, 2], 3, itemUsers, 7)).toBeCloseTo((0 + 1 + 3) / 3, 12);
    expect(noveltyAtK([2, 1, 0], 2, itemUsers, 7)).toBeCloseTo((3 + 1) / 2, 12);
    expect(noveltyAtK([], 2, itemUsers, 7)).toBeNaN();
  });

  it('giniIndex: 0 for equal exposure, (n − 1)/n for all on one item', () => {
    expect(giniIndex([2, 2, 2, 2])).toBe(0);
    expect(giniIndex([0, 0, 0, 4])).toBeCloseTo(3 / 4, 12);
    // sorted 1 2 3: (−2·1 + 0·2 + 2·3) / (3 · 6) = 4/18
    expect(giniIndex([3, 1, 2])).toBeCloseTo(4 / 18, 12);
    expect(giniIndex([0, 0])).toBe(0);
    expect(giniIndex([])).toBe(0);
    expect(() => giniIndex([1, -1])).toThrow(RangeError);
  });

  it('popularityPercentiles: (mid-rank − 1) / (n − 1), ties share their mean rank', () => {
    // popularity 5 1 1 9 → ascending 1 1 5 9: ranks 1.5 1.5 3 4 → (0.5, 0.5, 2, 3) / 3
    expect(Array.from(popularityPercentiles([5, 1, 1, 9]))).toEqual([2 / 3, 0.5 / 3, 0.5 / 3, 1]);
    expect(Array.from(popularityPercentiles([4, 4, 4]))).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(popularityPercentiles([7]))).toEqual([0.5]);
    expect(popularityPercentiles([]).length).toBe(0);
  });

  it('ExposureCounter: coverage and Gini of how often each item was recommended', () => {
    const exposure = new ExposureCounter(4);
    exposure.add([0, 1, 9], 2); // 9 is past K: not read
    exposure.add([1, 2], 2);
    // counts 1 2 1 0: coverage 3/4; sorted 0 1 1 2 → (−3·0 − 1·1 + 1·1 + 3·2) / (4 · 4) = 6/16
    expect(Array.from(exposure.counts)).toEqual([1, 2, 1, 0]);
    expect(exposure.coverage()).toBeCloseTo(3 / 4, 12);
    expect(exposure.gini()).toBeCloseTo(6 / 16, 12);
    expect(() => exposure.add([4], 1)).toThrow(RangeError);
  });
});
