import { BlendModel, FactorModel, HybridModel, type Model, type UserQuery } from '../../algorithms/index.js';

/**
 * A model whose scores are an inner product of a user vector and item vectors: what an
 * approximate nearest-neighbour index can retrieve from. A factor model with item biases
 * (BPR) gets one more dimension: the bias as an item coordinate, 1 as the user's.
 */
export interface VectorView {
  readonly model: Model;
  readonly dim: number;
  /** items.size × dim, row-major. */
  readonly itemVectors: Float32Array;
  userVector(query: UserQuery): Float32Array;
}

const views = new WeakMap<Model, VectorView | null>();

/** The vector form of a factor model (a hybrid's iALS part included), or of a blend's first factor component; null if none. */
export function vectorViewOf(model: Model): VectorView | null {
  const cached = views.get(model);
  if (cached !== undefined) return cached;
  let view: VectorView | null = null;
  if (model instanceof FactorModel) view = factorView(model);
  else if (model instanceof HybridModel) view = vectorViewOf(model.factors);
  else if (model instanceof BlendModel) {
    const factor = model.components.find((c) => c instanceof FactorModel || c instanceof HybridModel);
    view = factor ? vectorViewOf(factor) : null;
  }
  views.set(model, view);
  return view;
}

function factorView(model: FactorModel & Model): VectorView {
  const k = model.factors;
  const n = model.items.size;
  const bias = 'itemBias' in model && model.itemBias instanceof Float32Array ? model.itemBias : null;
  const dim = bias ? k + 1 : k;
  let itemVectors = model.itemFactorMatrix;
  if (bias) {
    itemVectors = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      itemVectors.set(model.itemFactorMatrix.subarray(i * k, (i + 1) * k), i * dim);
      itemVectors[i * dim + k] = bias[i]!;
    }
  }
  const out = new Float32Array(dim);
  return {
    model,
    dim,
    itemVectors,
    userVector(query) {
      const u = model.userVectorFor(query);
      for (let t = 0; t < k; t++) out[t] = u[t]!;
      if (bias) out[k] = 1;
      return out;
    },
  };
}
