/**
 * Time-decayed popularity: score(i) = Σ_u w(u, i) · 0.5^((now − lastSeen(u, i)) / halfLife).
 * The classic non-personalised baseline (e.g. "MostPop" in Cremonesi, Koren & Turrin 2010,
 * "Performance of recommender algorithms on top-N recommendation tasks"); with a short half-life
 * it is the "trending" list, with no decay the all-time "popular" list.
 */
import type { TrainingData } from '../../data/index.js';
import type { Algorithm } from '../types.js';
import { POPULARITY, PopularityModel } from './model.js';
import { popularityParamsSchema, popularitySearchSpace, type PopularityParams } from './params.js';

export { PopularityModel } from './model.js';
export { popularityParamsSchema, type PopularityParams } from './params.js';

const MS_PER_DAY = 86_400_000;

/** Per-item decayed interaction mass, in float64 then rounded once to float32. */
export function popularityScores(data: TrainingData, params: PopularityParams): Float32Array {
  const { interactions, lastSeen, now } = data;
  const halfLifeMs = params.halfLifeDays ? params.halfLifeDays * MS_PER_DAY : 0;
  const decay = halfLifeMs > 0 && lastSeen !== null;
  const mass = new Float64Array(interactions.cols);
  const nnz = interactions.indices.length;
  for (let k = 0; k < nnz; k++) {
    let w = params.binary ? 1 : interactions.values[k]!;
    if (decay) {
      // An event stamped after `now` (clock skew) counts as fresh, never as more than fresh.
      const age = Math.max(0, now - lastSeen[k]!);
      w *= Math.pow(0.5, age / halfLifeMs);
    }
    mass[interactions.indices[k]!]! += w;
  }
  return Float32Array.from(mass);
}

export const popularity: Algorithm<PopularityParams> = {
  name: POPULARITY,
  summary: 'Time-decayed popularity (non-personalised; "popular" and "trending" lists).',
  paramsSchema: popularityParamsSchema,
  searchSpace: popularitySearchSpace,
  async train(data, params) {
    return new PopularityModel(params, data.items, popularityScores(data, params));
  },
  deserialize: (bytes) => PopularityModel.deserialize(bytes),
};
