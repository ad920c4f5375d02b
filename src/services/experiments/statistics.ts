/**
 * The statistics of an experiment report: Wilson intervals for proportions, the pooled
 * two-proportion z-test, and Welch's test for a difference of means (per-user engagement).
 * All two-sided, at the 95 % level (z = 1.959964).
 */

export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export interface TestResult {
  /** Which test, in words (shown in the report). */
  test: string;
  /** variant − control. */
  difference: number;
  /** The test statistic (a z score; for Welch's test the large-sample normal approximation). */
  z: number;
  /** Two-sided. */
  pValue: number;
  significant: boolean;
}

/**
 * The Wilson score interval for `successes` of `n` (Wilson 1927): unlike the normal (Wald)
 * interval it stays inside [0, 1] and keeps its coverage for rates near 0, as CTRs are.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * erfc(x) with relative error below 1.2e-7 everywhere: the Chebyshev fit of Press et al.,
 * Numerical Recipes (2nd ed.) §6.2. Relative, not absolute, accuracy is what keeps small
 * p-values meaningful.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function twoSidedP(z: number): number {
  return Number.isFinite(z) ? Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) : 0;
}

/**
 * Pooled two-proportion z-test of H0: p_variant = p_control. Assumes independent trials; for
 * CTR the trials are impressions, several per user, so it overstates significance when users
 * differ (the report says so and adds a per-user test).
 */
export function twoProportionZTest(control: { successes: number; n: number }, variant: { successes: number; n: number }, alpha = 0.05): TestResult {
  const test = 'two-proportion z-test (pooled, two-sided)';
  const pc = control.n > 0 ? control.successes / control.n : 0;
  const pv = variant.n > 0 ? variant.successes / variant.n : 0;
  const difference = pv - pc;
  if (control.n === 0 || variant.n === 0) return { test, difference, z: 0, pValue: 1, significant: false };
  const pooled = (control.successes + variant.successes) / (control.n + variant.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / variant.n));
  const z = se === 0 ? 0 : difference / se;
  const pValue = twoSidedP(z);
  return { test, difference, z, pValue, significant: pValue < alpha };
}

export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator); 0 when n < 2. */
  variance: number;
}

export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
}

/** mean ± z·s/√n: the normal-approximation interval of a mean. */
export function meanInterval(m: Moments, z = Z95): Interval {
  const half = m.n > 0 ? z * Math.sqrt(m.variance / m.n) : 0;
  return { low: m.mean - half, high: m.mean + half };
}

/**
 * Welch's unequal-variance test of H0: mean_variant = mean_control, on one value per user
 * (users are independent where their impressions are not). The statistic is referred to the
 * normal distribution, which is accurate for the hundreds of users an experiment needs; with
 * fewer than 30 users a side the report flags it.
 */
export function welchTest(control: Moments, variant: Moments, alpha = 0.05): TestResult {
  const test = "Welch's t-test on per-user values (two-sided, normal approximation)";
  const difference = variant.mean - control.mean;
  if (control.n < 2 || variant.n < 2) return { test, difference, z: 0, pValue: 1, significant: false };
  const se = Math.sqrt(control.variance / control.n + variant.variance / variant.n);
  const z = se === 0 ? 0 : difference / se;
  const pValue = twoSidedP(z);
  return { test, difference, z, pValue, significant: pValue < alpha };
}
