import { MagpieError } from '../../core/index.js';

/**
 * Page sizes, limits and batch sizes must be positive integers in every adapter. A zero or
 * fractional limit is a caller bug; refusing it loudly beats each backend guessing differently.
 */
export function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new MagpieError('VALIDATION_FAILED', `${name} must be a positive integer, got ${String(value)}`, {
      [name]: value,
    });
  }
}

/** Log positions and offsets are non-negative integers. */
export function requireNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MagpieError('VALIDATION_FAILED', `${name} must be a non-negative integer, got ${String(value)}`, {
      [name]: value,
    });
  }
}

/** An eventCounts query: a positive integer bucket and integer bounds (SQL divides integers). */
export function requireBucketQuery(q: { from: number; to: number; bucketMs: number }): void {
  requirePositiveInteger('bucketMs', q.bucketMs);
  requireNonNegativeInteger('from', q.from);
  requireNonNegativeInteger('to', q.to);
}
