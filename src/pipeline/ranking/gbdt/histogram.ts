/**
 * Gradient histograms and split finding (Ke et al. 2017, LightGBM Alg. 1; the second-order gain
 * of Chen & Guestrin 2016, XGBoost eq. 7). A node's histogram holds, per feature and bin, the
 * sums of gradient, hessian and row count of its rows; a split is scored from prefix sums.
 */
import type { BinnedMatrix } from './binning.js';

/** Three cells per bin: gradient sum, hessian sum, row count. */
export const CELLS = 3;

export interface NodeTotals {
  g: number;
  h: number;
  c: number;
}

export interface SplitRule {
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly lambdaL2: number;
  readonly minGainToSplit: number;
}

export interface Split {
  gain: number;
  feature: number;
  /** Rows with value bins 1..bin go left; the others (and missing, unless defaultLeft) right. */
  bin: number;
  defaultLeft: boolean;
  left: NodeTotals;
  right: NodeTotals;
}

/** Sums the rows order[start..end) into `hist` (cleared first). */
export function buildHistogram(
  data: BinnedMatrix,
  grad: Float64Array,
  hess: Float64Array,
  order: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
): void {
  hist.fill(0);
  const { bins, cols, offsets } = data;
  for (let k = start; k < end; k++) {
    const r = order[k]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const base = r * cols;
    for (let f = 0; f < cols; f++) {
      const cell = (offsets[f]! + bins[base + f]!) * CELLS;
      hist[cell]! += g;
      hist[cell + 1]! += h;
      hist[cell + 2]! += 1;
    }
  }
}

/** parent −= child, in place: the sibling's histogram without touching its rows (LightGBM §2). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i]! -= child[i]!;
}

/** The node's objective reduction term G² / (H + λ). */
function score(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}

/**
 * The best split of a node over `features`, or null when none satisfies the leaf constraints
 * with a positive gain. For each threshold both directions for missing values are tried (the
 * sparsity-aware split of XGBoost §3.4). Ties keep the first candidate (lower feature, then bin),
 * so the result is deterministic.
 */
export function findBestSplit(data: BinnedMatrix, hist: Float64Array, total: NodeTotals, features: Int32Array, rule: SplitRule): Split | null {
  const lambda = rule.lambdaL2;
  const parentScore = score(total.g, total.h, lambda);
  let best: Split | null = null;
  let bestGain = rule.minGainToSplit;
  const fits = (c: number, h: number): boolean => c >= rule.minDataInLeaf && h >= rule.minSumHessianInLeaf;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const first = data.offsets[f]! * CELLS;
    const valueBins = data.edges[f]!.length + 1;
    const mg = hist[first]!;
    const mh = hist[first + 1]!;
    const mc = hist[first + 2]!;
    let lg = 0;
    let lh = 0;
    let lc = 0;
    // Threshold t: value bins 1..t left. t = valueBins separates only the missing rows.
    for (let t = 1; t <= valueBins; t++) {
      const cell = first + t * CELLS;
      lg += hist[cell]!;
      lh += hist[cell + 1]!;
      lc += hist[cell + 2]!;
      for (let side = 0; side < 2; side++) {
        const missingLeft = side === 1;
        if (missingLeft && mc === 0) continue;
        const gl = missingLeft ? lg + mg : lg;
        const hl = missingLeft ? lh + mh : lh;
        const cl = missingLeft ? lc + mc : lc;
        const gr = total.g - gl;
        const hr = total.h - hl;
        const cr = total.c - cl;
        if (!fits(cl, hl) || !fits(cr, hr)) continue;
        const gain = 0.5 * (score(gl, hl, lambda) + score(gr, hr, lambda) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          // Without missing rows in training, send unseen NaN with the bigger side.
          const defaultLeft = mc === 0 ? hl >= hr : missingLeft;
          best = { gain, feature: f, bin: t, defaultLeft, left: { g: gl, h: hl, c: cl }, right: { g: gr, h: hr, c: cr } };
        }
      }
    }
  }
  return best;
}
