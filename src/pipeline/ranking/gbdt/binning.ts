/**
 * Feature pre-binning for histogram-based tree learning (Ke et al. 2017, LightGBM §2; the
 * "approximate / quantile sketch" split finding of Chen & Guestrin 2016, XGBoost §3.2).
 *
 * Each feature's values are mapped once, before boosting, to at most 255 value bins whose upper
 * edges sit between quantiles of the training values; bin 0 holds the missing values (NaN).
 * Split finding then scans ≤ 256 histogram cells per feature instead of sorting rows, and a
 * split "bin ≤ t" is exactly the raw test "x ≤ edges[t − 1]", so a tree trained on bins predicts
 * raw rows with plain comparisons.
 */

/** A dense row-major matrix of feature values; NaN means missing. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols values, row r's feature f at r * cols + f. */
  readonly values: Float64Array | Float32Array;
}

export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols bin codes, row-major: 0 = missing, 1..edges[f].length + 1 = value bins. */
  readonly bins: Uint8Array;
  /** Per feature, the ascending upper edges of value bins 1..m (the last value bin is unbounded). */
  readonly edges: readonly Float64Array[];
  /** Per feature, the first histogram cell; feature f owns binCount(f) = edges[f].length + 2 cells. */
  readonly offsets: Int32Array;
  readonly totalBins: number;
}

/** The most value bins a feature may have: with the missing bin, codes fit one byte. */
export const MAX_VALUE_BINS = 255;

/**
 * Upper bin edges per feature from the training matrix: every distinct value gets its own bin
 * when there are at most `maxBins`; otherwise bins of about equal row counts, cut only between
 * distinct values (so a value heavy enough fills a bin alone). Edges sit halfway between the
 * neighbouring values. At most `sampleLimit` rows (an even stride, deterministic) are read.
 */
export function computeBinEdges(m: FeatureMatrix, maxBins = MAX_VALUE_BINS, sampleLimit = 200_000): Float64Array[] {
  const bins = Math.min(Math.max(2, Math.floor(maxBins)), MAX_VALUE_BINS);
  const stride = Math.max(1, Math.ceil(m.rows / sampleLimit));
  const edges: Float64Array[] = [];
  const column = new Float64Array(Math.ceil(m.rows / stride));
  for (let f = 0; f < m.cols; f++) {
    let n = 0;
    for (let r = 0; r < m.rows; r += stride) {
      const x = m.values[r * m.cols + f]!;
      if (x === x) column[n++] = x;
    }
    edges.push(edgesOfSorted(column.subarray(0, n).sort(), bins));
  }
  return edges;
}

function edgesOfSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    if (values.length > 0 && values[values.length - 1] === x) counts[counts.length - 1]!++;
    else {
      values.push(x);
      counts.push(1);
    }
  }
  const cuts: number[] = []; // cut after distinct value j
  if (values.length <= maxBins) {
    for (let j = 0; j + 1 < values.length; j++) cuts.push(j);
  } else {
    // Greedy equal-frequency cuts over what is left, so a heavy value does not starve the rest.
    let remaining = sorted.length;
    let inBin = 0;
    for (let j = 0; j + 1 < values.length && cuts.length < maxBins - 1; j++) {
      inBin += counts[j]!;
      const target = remaining / (maxBins - cuts.length);
      if (inBin >= target) {
        cuts.push(j);
        remaining -= inBin;
        inBin = 0;
      }
    }
  }
  return Float64Array.from(cuts, (j) => midpoint(values[j]!, values[j + 1]!));
}

/** A number e with a ≤ e < b (the halfway point unless rounding makes it reach b). */
function midpoint(a: number, b: number): number {
  const mid = a / 2 + b / 2;
  return mid >= a && mid < b ? mid : a;
}

/** The bin code of value x: 0 for NaN, else 1 + the number of edges below x. */
export function binOf(edges: Float64Array, x: number): number {
  if (x !== x) return 0;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** Maps every value of `m` to its bin under `edges` (from computeBinEdges on training data). */
export function binMatrix(m: FeatureMatrix, edges: readonly Float64Array[]): BinnedMatrix {
  if (edges.length !== m.cols) throw new RangeError(`${edges.length} edge lists for ${m.cols} features`);
  const bins = new Uint8Array(m.rows * m.cols);
  for (let f = 0; f < m.cols; f++) {
    const e = edges[f]!;
    for (let r = 0; r < m.rows; r++) bins[r * m.cols + f] = binOf(e, m.values[r * m.cols + f]!);
  }
  const offsets = new Int32Array(m.cols);
  let total = 0;
  for (let f = 0; f < m.cols; f++) {
    offsets[f] = total;
    total += edges[f]!.length + 2;
  }
  return { rows: m.rows, cols: m.cols, bins, edges, offsets, totalBins: total };
}
