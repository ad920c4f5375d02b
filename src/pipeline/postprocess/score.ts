import type { Candidate } from '../candidate.js';

/**
 * Multiplies a score so that a factor above 1 always raises it and below 1 always lowers it:
 * a negative score (a ranker's logit) is divided instead, since multiplying it would move it
 * the wrong way. Zero stays zero; the additive modes exist for that.
 */
export function scaleScore(score: number, factor: number): number {
  return score >= 0 ? score * factor : score / factor;
}

/** Higher score first, then id, so the order never depends on the order candidates arrived in. */
export function byScoreThenId(a: Candidate, b: Candidate): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return byId(a, b);
}

export function byId(a: Candidate, b: Candidate): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
