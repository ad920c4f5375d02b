import type { Vec } from '../blas.js';
import type { ScoredList } from '../score-heap.js';

/**
 * What a score means. 'ip': the inner product y_i·q (maximum inner product search — what factor
 * models rank by); 'cos': the cosine of the angle between y_i and q (similar items). Items with
 * an all-zero vector have no cosine and are never returned under 'cos'.
 */
export type VectorMetric = 'ip' | 'cos';

/**
 * A read-only index over `size` item vectors of `dim` dimensions that answers "the k items
 * scoring highest against this query". Indices are the rows of the matrix it was built from.
 */
export interface VectorIndex {
  /** 'exact' scans every item; 'hnsw' searches a graph and may miss a few true neighbours. */
  readonly kind: 'exact' | 'hnsw';
  readonly metric: VectorMetric;
  /** Number of items (rows) the index was built from. */
  readonly size: number;
  readonly dim: number;
  /**
   * The k best items for `query` (length `dim`), best first; ties break towards the lower
   * index (k is rounded down; below 1 gives an empty list). Items for which `exclude` answers true are skipped and still k results come back
   * when that many items remain. `scores` are the metric's value computed exactly for the
   * returned items. Throws MagpieError VALIDATION_FAILED when the query has the wrong length.
   */
  search(query: Vec, k: number, exclude?: (item: number) => boolean): ScoredList;
}

/** Graph parameters of the HNSW index (Malkov & Yashunin 2018). */
export interface HnswParams {
  /**
   * Neighbours kept per node on the upper layers (M; the bottom layer keeps 2M). More links:
   * better recall at a given expansion, more memory (4·2M bytes per item) and a slower build.
   */
  connectivity: number;
  /** Candidate list length while inserting (efConstruction): a better graph, a slower build. */
  expansionAdd: number;
  /**
   * Candidate list length while searching (efSearch); a search explores
   * max(expansionSearch, k + over-fetch) candidates. The main recall/speed knob, and the only
   * one that can change after the build.
   */
  expansionSearch: number;
  /**
   * Threads inserting items while building. 1 (default) inserts in item order on the calling
   * thread and gives the same graph every time; more threads build faster but the graph (and so
   * which near-ties are found) then depends on scheduling.
   */
  buildThreads: number;
}

/** Candidate counts of the int8 scan (QuantizedVectorIndex); they trade speed only, never recall. */
export interface QuantizedScanParams {
  /** The int8 pass keeps k·oversample + margin candidates for exact re-scoring (≥ 1). */
  oversample: number;
  /** Extra candidates on top of k·oversample (a non-negative integer). */
  margin: number;
}

export interface VectorIndexOptions {
  /** Default 'ip'. */
  metric?: VectorMetric;
  /** 'auto' (default): exact below `exactThreshold` items, HNSW at or above it. */
  kind?: 'auto' | 'exact' | 'hnsw';
  /** Item count from which 'auto' builds an HNSW index. */
  exactThreshold?: number;
  /** HNSW parameters; missing ones take the measured defaults (DEFAULT_HNSW_PARAMS). */
  hnsw?: Partial<HnswParams>;
  /**
   * How an exact index scans: 'f32' reads every f32 vector (ExactVectorIndex); 'int8' reads
   * int8 codes and re-scores the best candidates in f32 (QuantizedVectorIndex — the same
   * answers); 'auto' (default) takes int8 where it was measured faster (useQuantizedScan).
   */
  exactScan?: 'auto' | 'f32' | 'int8';
  /** Candidate counts of the int8 scan; missing ones take DEFAULT_QUANTIZED_PARAMS. */
  quantized?: Partial<QuantizedScanParams>;
}
