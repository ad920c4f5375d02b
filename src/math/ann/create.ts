import { MagpieError } from '../../core/index.js';
import { wasmKernelsEnabled } from '../wasm/index.js';
import { ExactVectorIndex } from './exact-index.js';
import { QuantizedVectorIndex } from './quantized-index.js';
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
 * crossover hardly depends on it. (Measured against the f32 scan: the int8 scan, which exact
 * indices of this size now use, is 4–6× faster at 41k × 128 — bench/quantized.mts — so the
 * crossover with HNSW has moved up and is due for a new measurement.)
 */
export const DEFAULT_EXACT_THRESHOLD = 30_000;

/**
 * Whether an exact index of `count` vectors of dimension `dim` should scan int8 codes
 * (QuantizedVectorIndex) rather than f32 vectors (ExactVectorIndex); both give the same answers,
 * so this is a speed rule only. Measured by bench/quantized.mts --grid (clustered vectors,
 * k = 200, median of 60 searches, f32 ÷ int8 time): the int8 scan costs a fixed ~0.15 ms more
 * (candidate pick, re-scoring) and saves 3/4 of the bytes read, so it breaks even near 10,000
 * items at every dimension from 16 to 128 (0.8–0.9× at 5,000, 1.0–1.3× at 10,000, 1.07–3.6×
 * at 15,000, 1.25–4.7× at 20,000) and wins more once the f32 matrix leaves the last-level cache
 * (41k × 128: 5.6 → 1.0 ms; Gowalla iALS factors 5.7 → 0.9 ms). From 128 dimensions it already
 * wins at 10,000 (1.3×; 2.7× at 256). Without WASM its reference kernels take twice gemv's time.
 */
export function useQuantizedScan(count: number, dim: number): boolean {
  return wasmKernelsEnabled() && (count >= 20_000 || (count >= 10_000 && dim >= 128));
}

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
  if (wantsGraph) return new UsearchVectorIndex(vectors, count, dim, metric, options.hnsw ?? {});
  const scan = options.exactScan ?? 'auto';
  const int8 = scan === 'int8' || (scan === 'auto' && useQuantizedScan(count, dim));
  return int8 ? new QuantizedVectorIndex(vectors, count, dim, metric, options.quantized ?? {}) : new ExactVectorIndex(vectors, count, dim, metric);
}
