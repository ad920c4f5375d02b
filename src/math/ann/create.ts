import { MagpieError } from '../../core/index.js';
import { ExactVectorIndex } from './exact-index.js';
import type { VectorIndex, VectorIndexOptions } from './types.js';
import { UsearchVectorIndex } from './usearch-index.js';
import { annUnavailableReason } from './usearch-native.js';

/**
 * Item count from which 'auto' builds an HNSW graph. Measured by bench/ann.mts on evenly spaced
 * subsets of Gowalla iALS item factors (128 dimensions, k = 100, default HNSW parameters, three
 * runs): the SIMD scan's queries/second fall as 1/n; at 20k items it matched or beat HNSW in
 * two runs of three, at 30k HNSW led in two of three (1.2–1.3×), at 41k in all (1.3–2.6×).
 * Below the threshold the scan is as fast or faster, exact, and costs no build (HNSW takes
 * seconds per 10k items on one thread). Both costs grow linearly with the dimension, so the
 * crossover hardly depends on it.
 */
export const DEFAULT_EXACT_THRESHOLD = 30_000;

/**
 * A nearest-neighbour index over `count` row-major vectors of dimension `dim`: exact below
 * `exactThreshold` items, HNSW (usearch) from there on, or the kind the options force. When
 * 'auto' wants HNSW but usearch's native addon cannot load on this platform, the exact index
 * serves instead (same answers, slower); forcing 'hnsw' then throws UNAVAILABLE.
 */
export function createVectorIndex(
  vectors: Float32Array,
  count: number,
  dim: number,
  options: VectorIndexOptions = {},
): VectorIndex {
  const metric = options.metric ?? 'ip';
  const threshold = options.exactThreshold ?? DEFAULT_EXACT_THRESHOLD;
  if (!(threshold >= 0)) {
    throw new MagpieError('VALIDATION_FAILED', `exactThreshold must be a non-negative number, got ${threshold}`);
  }
  const kind = options.kind ?? 'auto';
  const wantsGraph = kind === 'hnsw' || (kind === 'auto' && count >= threshold && annUnavailableReason() === null);
  return wantsGraph
    ? new UsearchVectorIndex(vectors, count, dim, metric, options.hnsw ?? {})
    : new ExactVectorIndex(vectors, count, dim, metric);
}
