import { createVectorIndex, type ScoredList, type VectorIndex, type VectorIndexOptions } from '../../math/index.js';
import type { VectorView } from './vector-view.js';

/** Top-k inner-product search over a view's item vectors. */
export interface VectorRetrieval {
  search(view: VectorView, user: Float32Array, k: number, skip: (i: number) => boolean): ScoredList;
}

/**
 * Retrieval through a VectorIndex per model view, built on first use (the serving warm-up does
 * that when a model is swapped in): `kind` 'exact' scans with the SIMD kernel, 'hnsw' searches an
 * HNSW graph, 'auto' picks by catalogue size (src/math/ann). ADR 0006 says why serving defaults to
 * exact.
 */
export class IndexRetrieval implements VectorRetrieval {
  private readonly indexes = new WeakMap<VectorView, VectorIndex>();

  constructor(private readonly options: VectorIndexOptions = { kind: 'exact' }) {}

  search(view: VectorView, user: Float32Array, k: number, skip: (i: number) => boolean): ScoredList {
    let index = this.indexes.get(view);
    if (!index) {
      index = createVectorIndex(view.itemVectors, view.model.items.size, view.dim, { ...this.options, metric: 'ip' });
      this.indexes.set(view, index);
    }
    return index.search(user, k, skip);
  }
}
