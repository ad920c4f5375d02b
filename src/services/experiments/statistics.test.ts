import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { erfc, meanInterval, moments, twoProportionZTest, twoSidedP, welchTest, wilsonInterval } from './statistics.js';

describe('statistics', () => {
  it('erfc and two-sided p-values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedP(-2.575829)).toBeCloseTo(0.01, 5);
    // Relative accuracy far in the tail: P(|Z| > 6) = 1.973e-9.
    expect(twoSidedP(6) / 1.973175e-9).toBeCloseTo(1, 4);
  });

  it('Wilson intervals', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    const half = wilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 4);
    expect(half.high).toBeCloseTo(0.5962, 4);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('the pooled two-proportion z-test', () => {
    const r = twoProportionZTest({ successes: 100, n: 1000 }, { successes: 130, n: 1000 });
    expect(r.difference).toBeCloseTo(0.03, 10);
    expect(r.z).toBeCloseTo(2.1027, 3);
    expect(r.pValue).toBeCloseTo(0.0355, 3);
    expect(r.significant).toBe(true);
    expect(twoProportionZTest({ successes: 100, n: 1000 }, { successes: 110, n: 1000 }).significant).toBe(false);
    expect(twoProportionZTest({ successes: 0, n: 0 }, { successes: 1, n: 5 })).toMatchObject({ pValue: 1, significant: false });
  });

  it("Welch's test rejects about 5 % of the time when there is no difference", () => {
    const rng = new Rng(7);
    let rejected = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 200 }, () => rng.normal());
      const b = Array.from({ length: 300 }, () => 3 * rng.normal());
      if (welchTest(moments(a), moments(b)).significant) rejected++;
    }
    expect(rejected / trials).toBeGreaterThan(0.02);
    expect(rejected / trials).toBeLessThan(0.09);
    const shifted = welchTest(moments([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]), moments([6, 7, 8, 9, 10, 6, 7, 8, 9, 10]));
    expect(shifted.difference).toBe(5);
    expect(shifted.significant).toBe(true);
  });

  it('moments and mean intervals', () => {
    const m = moments([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(m).toEqual({ n: 8, mean: 5, variance: 32 / 7 });
    const ci = meanInterval(m);
    expect(ci.low).toBeLessThan(5);
    expect(ci.high - 5).toBeCloseTo(5 - ci.low, 10);
  });
});
