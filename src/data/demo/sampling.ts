import { Rng } from '../../core/index.js';

/** Small random helpers over the seeded Rng; the demo never touches Math.random. */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** An independent stream per generation phase, so a change in one phase leaves the others as they were. */
export function phaseRng(seed: number, phase: number): Rng {
  return new Rng((Math.imul(seed | 0, 0x9e3779b1) + Math.imul(phase, 0x85ebca6b)) >>> 0);
}

export function pick<T>(rng: Rng, list: readonly T[]): T {
  const value = list[rng.int(list.length)];
  if (value === undefined) throw new RangeError('pick from an empty list');
  return value;
}

/** Index drawn with probability proportional to weights[i]. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** k distinct indices in [0, weights.length), each draw proportional to the remaining weights. */
export function pickDistinctWeighted(rng: Rng, weights: readonly number[], k: number): number[] {
  const left = [...weights];
  const out: number[] = [];
  while (out.length < k && out.length < weights.length) {
    const i = pickWeighted(rng, left);
    out.push(i);
    left[i] = 0;
  }
  return out;
}

/** Integer uniform in [lo, hi]. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** Splits total into parts proportional to weights (largest remainder), each part ≥ min when possible. */
export function apportion(total: number, weights: readonly number[], min = 1): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const parts = exact.map((x) => Math.max(min, Math.floor(x)));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % byRemainder.length, left--) parts[byRemainder[j]!.i]! += 1;
  // The minimum may have overshot the total: take back from the largest parts.
  while (left < 0) {
    let largest = 0;
    for (let i = 1; i < parts.length; i++) if (parts[i]! > parts[largest]!) largest = i;
    parts[largest]! -= 1;
    left++;
  }
  return parts;
}

/**
 * Draws from a fixed weighted list in O(log n) per draw (cumulative sums + binary search).
 * Used for Zipf-like popularity inside a genre.
 */
export class WeightedSampler<T> {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(
    readonly values: readonly T[],
    weights: readonly number[],
  ) {
    this.cumulative = new Float64Array(values.length);
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      sum += weights[i] ?? 0;
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  get size(): number {
    return this.values.length;
  }

  draw(rng: Rng): T {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    const value = this.values[lo];
    if (value === undefined) throw new RangeError('draw from an empty sampler');
    return value;
  }
}
