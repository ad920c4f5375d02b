import { Rng } from '../../core/index.js';
import type { Csr } from '../../math/index.js';
import type { BprParams } from './params.js';

/**
 * Stochastic gradient ascent on the BPR-Opt criterion (Rendle, Freudenthaler, Gantner &
 * Schmidt-Thieme 2009, "BPR: Bayesian Personalized Ranking from Implicit Feedback"):
 * for a sampled triple (u, i, j) with i a positive of u and j drawn uniformly from the items u
 * has not interacted with, raise ln σ(x̂_ui − x̂_uj), x̂_ui = w_u·h_i + b_i, with L2 penalties.
 * Triples are drawn with replacement (LearnBPR's bootstrap sampling), which the paper shows
 * converges much faster than user-wise sweeps. Interaction strengths are not used: BPR only
 * knows "positive" versus "not observed".
 */
export interface BprState {
  k: number;
  user: Float64Array;
  item: Float64Array;
  bias: Float64Array;
}

export function initState(nUsers: number, nItems: number, k: number, initStd: number, rng: Rng): BprState {
  const user = new Float64Array(nUsers * k);
  const item = new Float64Array(nItems * k);
  for (let t = 0; t < item.length; t++) item[t] = rng.normal() * initStd;
  for (let t = 0; t < user.length; t++) user[t] = rng.normal() * initStd;
  return { k, user, item, bias: new Float64Array(nItems) };
}

/** The learning rate of epoch e of n: linear decay from lr to lr/10, which steadies the end. */
export function learningRateAt(params: BprParams, epoch: number, epochs: number): number {
  const progress = epochs <= 1 ? 0 : epoch / (epochs - 1);
  return params.learningRate * (1 - 0.9 * progress);
}

/** True when sorted row [start, end) of `indices` holds j. */
function rowHas(indices: Int32Array, start: number, end: number, j: number): boolean {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = indices[mid]!;
    if (v === j) return true;
    if (v < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Draws a non-positive item for a row, or -1 after a few misses (a user who has nearly everything). */
export function sampleNegative(rng: Rng, nItems: number, indices: Int32Array, start: number, end: number): number {
  for (let attempt = 0; attempt < 16; attempt++) {
    const j = rng.int(nItems);
    if (!rowHas(indices, start, end, j)) return j;
  }
  return -1;
}

/** One epoch: nnz sampled triples. `rowOf[e]` is the row of stored entry e. */
export function bprEpoch(x: Csr, rowOf: Int32Array, s: BprState, params: BprParams, lr: number, rng: Rng): void {
  const { k, user, item, bias } = s;
  const nnz = x.indices.length;
  const reg = params.regularization;
  const biasReg = params.biasRegularization;
  for (let n = 0; n < nnz; n++) {
    const e = rng.int(nnz);
    const u = rowOf[e]!;
    const i = x.indices[e]!;
    const j = sampleNegative(rng, x.cols, x.indices, x.indptr[u]!, x.indptr[u + 1]!);
    if (j < 0) continue;
    const uo = u * k;
    const io = i * k;
    const jo = j * k;
    let diff = bias[i]! - bias[j]!;
    for (let t = 0; t < k; t++) diff += user[uo + t]! * (item[io + t]! - item[jo + t]!);
    // d/dx ln σ(x) = σ(−x); written so that it cannot overflow for large |x|.
    const g = diff > 0 ? Math.exp(-diff) / (1 + Math.exp(-diff)) : 1 / (1 + Math.exp(diff));
    for (let t = 0; t < k; t++) {
      const wu = user[uo + t]!;
      const hi = item[io + t]!;
      const hj = item[jo + t]!;
      user[uo + t] = wu + lr * (g * (hi - hj) - reg * wu);
      item[io + t] = hi + lr * (g * wu - reg * hi);
      item[jo + t] = hj + lr * (-g * wu - reg * hj);
    }
    bias[i] = bias[i]! + lr * (g - biasReg * bias[i]!);
    bias[j] = bias[j]! + lr * (-g - biasReg * bias[j]!);
  }
}

/**
 * Fold-in of a user the model has no vector for: the same SGD, on the user vector alone, with
 * item factors and biases fixed, starting from zero. We chose this over a least-squares fit
 * because it optimises the very criterion the item factors were trained for, so the folded-in
 * vector lands on the scale of trained user vectors (which matters since scores add an item
 * bias). It is deterministic: the sampler is seeded from the training seed and the history.
 */
export function foldInUser(
  history: Int32Array,
  itemFactors: Float32Array,
  bias: Float32Array,
  k: number,
  params: BprParams,
  seed: number,
  out: Float64Array,
): Float64Array {
  out.fill(0, 0, k);
  const nItems = bias.length;
  const positives = Int32Array.from(new Set(Array.from(history).filter((i) => i >= 0 && i < nItems))).sort();
  const m = positives.length;
  if (m === 0 || m >= nItems) return out;
  const rng = new Rng(hashHistory(seed, positives));
  const reg = params.regularization;
  for (let epoch = 0; epoch < params.foldInEpochs; epoch++) {
    const lr = learningRateAt(params, epoch, params.foldInEpochs);
    for (let n = 0; n < m; n++) {
      const i = positives[rng.int(m)]!;
      const j = sampleNegative(rng, nItems, positives, 0, m);
      if (j < 0) continue;
      const io = i * k;
      const jo = j * k;
      let diff = bias[i]! - bias[j]!;
      for (let t = 0; t < k; t++) diff += out[t]! * (itemFactors[io + t]! - itemFactors[jo + t]!);
      const g = diff > 0 ? Math.exp(-diff) / (1 + Math.exp(-diff)) : 1 / (1 + Math.exp(diff));
      for (let t = 0; t < k; t++) {
        out[t] = out[t]! + lr * (g * (itemFactors[io + t]! - itemFactors[jo + t]!) - reg * out[t]!);
      }
    }
  }
  return out;
}

/** FNV-1a over the seed and the sorted history: the same history always folds in the same way. */
function hashHistory(seed: number, items: Int32Array): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let q = 0; q < items.length; q++) {
    h = Math.imul(h ^ items[q]!, 0x01000193) >>> 0;
  }
  return h;
}
