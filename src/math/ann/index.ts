/**
 * Nearest-neighbour retrieval over item vectors: the k items with the highest inner product
 * (or cosine) with a query, as factor models need for candidate generation.
 *
 * - ExactVectorIndex: a WASM SIMD scan plus a top-k heap; exact, no build cost.
 * - QuantizedVectorIndex: the same answers from a scan of int8 codes, re-scoring the best
 *   candidates in f32 and proving from the rounding residuals that none was missed; 4–6×
 *   faster once the f32 matrix outgrows the last-level cache (bench/quantized.mts).
 * - UsearchVectorIndex: an HNSW graph (Malkov & Yashunin, "Efficient and robust approximate
 *   nearest neighbor search using Hierarchical Navigable Small World graphs", TPAMI 2018) built
 *   by usearch 2.25 with the inner product as the graph similarity. Maximum inner product search
 *   on such a non-metric graph follows Morozov & Babenko, "Non-metric Similarity Graphs for
 *   Maximum Inner Product Search", NeurIPS 2018 (ip-NSW). On iALS factors with connectivity 64
 *   it needs far fewer candidates for recall@100 0.98 than the reduction of Bachrach et al.,
 *   "Speeding up the Xbox recommender system using a Euclidean transformation for
 *   inner-product spaces", RecSys 2014 (an extra coordinate √(M² − |y|²), then Euclidean search).
 * - createVectorIndex: exact below a measured size threshold, HNSW above; exact scans int8
 *   codes from a measured size on (useQuantizedScan).
 * - calibrateExpansion: the smallest efSearch that reaches a target recall on sample queries.
 *
 * Numbers and the command that measures them: bench/ann.mts.
 */
export type { HnswParams, QuantizedScanParams, VectorIndex, VectorIndexOptions, VectorMetric } from './types.js';
export { ExactVectorIndex } from './exact-index.js';
export { DEFAULT_HNSW_PARAMS, UsearchVectorIndex } from './usearch-index.js';
export { annUnavailableReason } from './usearch-native.js';
export { calibrateExpansion, type Calibration, type CalibrationOptions } from './calibrate.js';
export { createVectorIndex, DEFAULT_EXACT_THRESHOLD, useQuantizedScan } from './create.js';
export { DEFAULT_QUANTIZED_PARAMS, QuantizedVectorIndex, type QuantizedScanStats } from './quantized-index.js';
