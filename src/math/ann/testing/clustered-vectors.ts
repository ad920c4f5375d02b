import { Rng } from '../../../core/index.js';

/**
 * Seeded vectors around `clusters` random centres, with item norms spread over a factor of
 * about e (log-normal scale): the shape of trained factors — groups of related items, popular
 * items with longer vectors — on which inner-product search is harder than on unit vectors.
 */
export function clusteredVectors(seed: number, count: number, dim: number, clusters = 50, spread = 0.5): Float32Array {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: clusters * dim }, () => rng.normal());
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const c = rng.int(clusters);
    const scale = Math.exp(0.5 * rng.normal());
    for (let d = 0; d < dim; d++) out[i * dim + d] = scale * (centres[c * dim + d]! + spread * rng.normal());
  }
  return out;
}
