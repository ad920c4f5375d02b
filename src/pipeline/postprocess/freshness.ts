import type { Candidate, ItemAttributes } from '../candidate.js';
import type { PostProcessPlan } from './plan.js';
import { scaleScore } from './score.js';

/**
 * The freshness boost: b = weight · 2^(−age / halfLife), so a new item gets the full weight
 * and one half-life old gets half. The default is multiplicative, score × (1 + b): it is
 * scale-free, so the same weight means the same relative lift whatever the ranker's score
 * scale (dot products, counts, probabilities) and a surface's config survives a model change.
 * The additive form, score + b, is for scores on a known scale (e.g. probabilities) and for
 * items scored 0, which a multiplier cannot lift. A future created_at counts as age 0.
 */
export function freshnessBoost(ageMs: number, weight: number, halfLifeMs: number): number {
  // An item without a usable created_at (NaN) gets no boost rather than a NaN score.
  if (Number.isNaN(ageMs)) return 0;
  return weight * Math.exp((-Math.LN2 * Math.max(0, ageMs)) / halfLifeMs);
}

export function applyFreshness(
  items: Candidate[],
  attrs: readonly ItemAttributes[],
  freshness: NonNullable<PostProcessPlan['freshness']>,
  now: number,
): void {
  const { weight, halfLifeMs, mode } = freshness;
  for (let i = 0; i < items.length; i++) {
    const c = items[i]!;
    const b = freshnessBoost(now - attrs[i]!.createdAt, weight, halfLifeMs);
    c.score = mode === 'multiply' ? scaleScore(c.score, 1 + b) : c.score + b;
  }
}
