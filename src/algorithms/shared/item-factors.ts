import { DenseScorer, gemv, rowNorms, topK, type ScoredList, type Vec } from '../../math/index.js';

/**
 * Scoring, similarity and explanation over a row-major item factor matrix, shared by the
 * factor models (iALS, BPR). Scores are one gemv over the items — the loop that dominates
 * full-ranking evaluation, so it is kept to a single tight kernel.
 */
export class ItemFactors {
  private norms: Float32Array | null = null;
  private scratch: Float32Array | null = null;
  private scorer: DenseScorer | null = null;

  constructor(
    /** count × k, row-major. */
    readonly factors: Float32Array,
    readonly count: number,
    readonly k: number,
    /** Optional per-item additive bias (BPR). */
    readonly bias: Float32Array | null = null,
  ) {}

  /** out[i] = y_i · user (+ b_i). */
  score(user: Vec, out: Float32Array): void {
    this.scorer ??= new DenseScorer(this.factors, this.count, this.k);
    this.scorer.score(user, out);
    const bias = this.bias;
    if (bias) for (let i = 0; i < this.count; i++) out[i] = out[i]! + bias[i]!;
  }

  /** Cosine similarity of item factors; items with a zero vector are never returned. */
  similarItems(item: number, k: number): ScoredList {
    if (item < 0 || item >= this.count) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const norms = this.itemNorms();
    const self = norms[item]!;
    if (self === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const sims = (this.scratch ??= new Float32Array(this.count));
    const y = this.factors.subarray(item * this.k, (item + 1) * this.k);
    gemv(this.count, this.k, 1, this.factors, y, 0, sims);
    for (let j = 0; j < this.count; j++) {
      const n = norms[j]!;
      sims[j] = n === 0 ? -Infinity : sims[j]! / (n * self);
    }
    return topK(sims, k, (j) => j === item);
  }

  /** Index into history of the item whose factor has the highest cosine with `item`, or -1. */
  mostSimilar(history: Int32Array, item: number): number {
    if (item < 0 || item >= this.count) return -1;
    const norms = this.itemNorms();
    const k = this.k;
    const f = this.factors;
    let best = -1;
    let bestSim = -Infinity;
    for (let h = 0; h < history.length; h++) {
      const j = history[h]!;
      if (j < 0 || j >= this.count || j === item) continue;
      const denom = norms[j]! * norms[item]!;
      if (denom === 0) continue;
      let s = 0;
      for (let t = 0; t < k; t++) s += f[j * k + t]! * f[item * k + t]!;
      s /= denom;
      if (s > bestSim) {
        bestSim = s;
        best = h;
      }
    }
    return best;
  }

  private itemNorms(): Float32Array {
    this.norms ??= rowNorms(this.factors, this.count, this.k, new Float32Array(this.count)) as Float32Array;
    return this.norms;
  }
}
