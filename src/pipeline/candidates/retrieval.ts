import { DenseScorer, topK, type ScoredList } from '../../math/index.js';
import type { VectorView } from './vector-view.js';

/** Top-k inner-product search over a view's item vectors. */
export interface VectorRetrieval {
  search(view: VectorView, user: Float32Array, k: number, skip: (i: number) => boolean): ScoredList;
}

/** Exact search: score every item with the SIMD kernel, keep the k best. */
export class ExactRetrieval implements VectorRetrieval {
  private readonly scorers = new WeakMap<VectorView, { scorer: DenseScorer; out: Float32Array }>();

  search(view: VectorView, user: Float32Array, k: number, skip: (i: number) => boolean): ScoredList {
    let s = this.scorers.get(view);
    if (!s) {
      const n = view.model.items.size;
      s = { scorer: new DenseScorer(view.itemVectors, n, view.dim), out: new Float32Array(n) };
      this.scorers.set(view, s);
    }
    s.scorer.score(user, s.out);
    return topK(s.out, k, skip);
  }
}
