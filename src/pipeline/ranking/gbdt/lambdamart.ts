/**
 * LambdaMART gradients (Burges 2010, "From RankNet to LambdaRank to LambdaMART: An Overview",
 * §4–§6): for every pair (i, j) of one query with label_i > label_j, RankNet's pairwise
 * logistic gradient scaled by |ΔNDCG|, the change of NDCG@k if i and j swapped positions in
 * the current ranking:
 *
 *   ρ_ij = 1 / (1 + exp(σ (s_i − s_j)))
 *   λ_ij = −σ · |ΔNDCG_ij| · ρ_ij          (added to i's gradient, subtracted from j's)
 *   h_ij = σ² · |ΔNDCG_ij| · ρ_ij (1 − ρ_ij) (added to both hessians; Burges §7 Newton step)
 *
 * Gains are 2^label − 1 and discounts 1 / log2(rank + 2); ΔNDCG uses the ideal DCG@k of the
 * query. As in LightGBM's lambdarank (Ke et al. 2017), only pairs with at least one member in
 * the current top `lambdaTruncation` are used, and with `normalizeLambdas` a query's lambdas
 * are scaled by log2(1 + Σ|λ|) / Σ|λ| so queries with many pairs do not dominate.
 */
import type { Objective, RankingOptions } from './types.js';

export class LambdaMart implements Objective {
  readonly name = 'lambdamart' as const;
  private readonly gain: Float64Array;
  /** 1 / ideal DCG@k per query; 0 for a query without any relevant row (it teaches nothing). */
  private readonly inverseIdeal: Float64Array;
  private readonly order: Int32Array;

  constructor(
    labels: ArrayLike<number>,
    private readonly groups: Int32Array,
    private readonly options: RankingOptions,
  ) {
    const n = labels.length;
    if (groups.length < 1 || groups[0] !== 0 || groups[groups.length - 1] !== n) {
      throw new RangeError(`query group offsets must run from 0 to ${n}`);
    }
    this.gain = new Float64Array(n);
    for (let i = 0; i < n; i++) this.gain[i] = Math.pow(2, labels[i]!) - 1;
    this.inverseIdeal = new Float64Array(groups.length - 1);
    for (let q = 0; q + 1 < groups.length; q++) {
      const gains = Array.from(this.gain.subarray(groups[q]!, groups[q + 1]!)).sort((a, b) => b - a);
      let ideal = 0;
      for (let r = 0; r < Math.min(options.ndcgAt, gains.length); r++) ideal += gains[r]! * discount(r);
      this.inverseIdeal[q] = ideal > 0 ? 1 / ideal : 0;
    }
    this.order = Int32Array.from({ length: n }, (_, i) => i);
  }

  initScore(): number {
    return 0;
  }

  gradients(scores: Float64Array, grad: Float64Array, hess: Float64Array): void {
    grad.fill(0);
    hess.fill(0);
    const { sigma, lambdaTruncation, normalizeLambdas } = this.options;
    for (let q = 0; q + 1 < this.groups.length; q++) {
      const inv = this.inverseIdeal[q]!;
      if (inv === 0) continue;
      const start = this.groups[q]!;
      const end = this.groups[q + 1]!;
      const order = this.sortGroup(scores, start, end);
      const n = end - start;
      let sumLambda = 0;
      // a < b, so discount(a) > discount(b): |Δ discount| needs no abs.
      for (let a = 0; a < Math.min(n - 1, lambdaTruncation); a++) {
        const ia = order[a]!;
        for (let b = a + 1; b < n; b++) {
          const ib = order[b]!;
          const ga = this.gain[ia]!;
          const gb = this.gain[ib]!;
          if (ga === gb) continue;
          // hi is the more relevant row of the pair, lo the other.
          const hi = ga > gb ? ia : ib;
          const lo = ga > gb ? ib : ia;
          const delta = Math.abs(ga - gb) * (discountAt(a) - discountAt(b)) * inv;
          const rho = 1 / (1 + Math.exp(sigma * (scores[hi]! - scores[lo]!)));
          const lambda = sigma * delta * rho;
          const h = sigma * sigma * delta * rho * (1 - rho);
          grad[hi]! -= lambda;
          grad[lo]! += lambda;
          hess[hi]! += h;
          hess[lo]! += h;
          sumLambda += 2 * lambda;
        }
      }
      if (normalizeLambdas && sumLambda > 0) {
        const factor = Math.log2(1 + sumLambda) / sumLambda;
        for (let i = start; i < end; i++) {
          grad[i]! *= factor;
          hess[i]! *= factor;
        }
      }
    }
  }

  /** Mean NDCG@k over the queries with at least one relevant row. */
  meanNdcg(scores: Float64Array): number {
    let sum = 0;
    let count = 0;
    const k = this.options.ndcgAt;
    for (let q = 0; q + 1 < this.groups.length; q++) {
      const inv = this.inverseIdeal[q]!;
      if (inv === 0) continue;
      const start = this.groups[q]!;
      const end = this.groups[q + 1]!;
      const order = this.sortGroup(scores, start, end);
      let dcg = 0;
      for (let r = 0; r < Math.min(k, end - start); r++) dcg += this.gain[order[r]!]! * discount(r);
      sum += dcg * inv;
      count++;
    }
    return count > 0 ? sum / count : 0;
  }

  /**
   * The rows of one query by descending score, ties by row (deterministic). The order of the
   * previous call is kept and insertion-sorted: between boosting rounds scores move little, so
   * this is nearly linear where a fresh sort per query and round dominated training time.
   */
  private sortGroup(scores: Float64Array, start: number, end: number): Int32Array {
    const order = this.order.subarray(start, end);
    for (let i = 1; i < order.length; i++) {
      const row = order[i]!;
      const s = scores[row]!;
      let j = i - 1;
      while (j >= 0 && (scores[order[j]!]! < s || (scores[order[j]!]! === s && order[j]! > row))) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = row;
    }
    return order;
  }
}

function discount(rank: number): number {
  return 1 / Math.log2(rank + 2);
}

const DISCOUNT = Float64Array.from({ length: 4096 }, (_, r) => discount(r));

function discountAt(rank: number): number {
  return rank < DISCOUNT.length ? DISCOUNT[rank]! : discount(rank);
}
