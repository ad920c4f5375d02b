import { MagpieError } from '../../core/index.js';

/**
 * One page of a processed ranking: items [offset, offset + n). postProcess builds the ordering
 * for offset + n items in one deterministic pass, and every step is prefix-stable (a longer
 * run starts with the shorter one), so page 2 is the continuation of page 1 and never repeats it.
 */
export function pageOf<T>(ranking: readonly T[], offset: number, n: number): T[] {
  checkPage(offset, n);
  return ranking.slice(offset, offset + n);
}

export function checkPage(offset: number, n: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new MagpieError('VALIDATION_FAILED', `offset must be a non-negative integer, got ${offset}`);
  if (!Number.isSafeInteger(n) || n < 0) throw new MagpieError('VALIDATION_FAILED', `n must be a non-negative integer, got ${n}`);
}
