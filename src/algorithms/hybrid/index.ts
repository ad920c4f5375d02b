/**
 * A content→collaborative hybrid for cold items, after Gantner, Drumond, Freudenthaler, Rendle &
 * Schmidt-Thieme 2010, "Learning Attribute-to-Feature Mappings for Cold-Start Recommendations":
 * train a factor model (iALS, Hu et al. 2008 / Rendle et al. 2021) on the interactions, fit a
 * linear map from item content (the content model's BM25/TF-IDF vectors, plus caller
 * embeddings) to the learned item factors by ridge regression on the items that have feedback,
 * and give every item without feedback the factors its content maps to, so it can be
 * recommended and found as a similar item before anyone has touched it.
 */
import { MagpieError } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import { contentVectors, requireContent } from '../content/index.js';
import { IalsModel, trainIals } from '../ials/index.js';
import type { Algorithm, TrainContext } from '../types.js';
import { HYBRID, HybridModel } from './model.js';
import { hybridParamsSchema, hybridSearchSpace, ialsPart, type HybridParams } from './params.js';
import { fitMapping, mapItem } from './ridge.js';

export { HybridModel } from './model.js';
export { hybridParamsSchema, type HybridParams } from './params.js';
export { fitMapping, type Mapping } from './ridge.js';

/** Relative residual at which the ridge solve counts as converged. */
const RIDGE_TOLERANCE = 1e-5;

export async function trainHybrid(data: TrainingData, params: HybridParams, ctx: TrainContext): Promise<HybridModel> {
  const vectors = contentVectors(requireContent(data, HYBRID), params);
  const progress = ctx.progress;
  const ials = await trainIals(data, ialsPart(params), {
    ...ctx,
    progress: progress ? (p) => progress({ ...p, stage: `ials ${p.stage}` }) : undefined,
  });
  const n = data.items.size;
  const k = params.factors;
  const counts = new Int32Array(n);
  for (const i of data.interactions.indices) counts[i]!++;
  const hasContent = (i: number): boolean =>
    vectors.text.indptr[i + 1]! > vectors.text.indptr[i]! || (vectors.embeddings !== null && hasNonZero(vectors.embeddings, i * vectors.dim, vectors.dim));

  const examples = Int32Array.from({ length: n }, (_, i) => i).filter((i) => counts[i]! >= params.minItemInteractions && hasContent(i));
  if (examples.length === 0) {
    throw new MagpieError('TRAINING_FAILED', `${HYBRID} needs items with both content and at least ${params.minItemInteractions} interactions to learn from`);
  }
  const learned = ials.itemFactorMatrix;
  const targets = new Float32Array(examples.length * k);
  examples.forEach((i, r) => targets.set(learned.subarray(i * k, (i + 1) * k), r * k));
  const mapping = fitMapping(vectors, examples, targets, k, {
    lambda: params.mappingRegularization,
    maxSteps: params.mappingSteps,
    tolerance: RIDGE_TOLERANCE,
  });
  progress?.({ stage: 'mapping', done: mapping.steps, total: mapping.steps });
  ctx.signal?.throwIfAborted();

  const itemFactors = Float32Array.from(learned);
  const mapped = new Uint8Array(n);
  const scratch = new Float32Array(k);
  for (let i = 0; i < n; i++) {
    if (!hasContent(i)) continue;
    const cold = counts[i] === 0;
    if (!cold && params.warmBlend === 0) continue;
    mapItem(vectors, mapping, i, scratch, 0);
    if (cold) {
      for (let t = 0; t < k; t++) itemFactors[i * k + t] = params.coldScale * scratch[t]!;
    } else {
      const b = params.warmBlend;
      for (let t = 0; t < k; t++) itemFactors[i * k + t] = (1 - b) * learned[i * k + t]! + b * scratch[t]!;
    }
    mapped[i] = 1;
  }
  const factors = new IalsModel(ialsPart(params), data.items, ials.userCount, ials.userFactors, itemFactors, ials.unobservedItemWeights);
  // Stored user vectors stay exact only while the items users interacted with keep their learned
  // vectors (cold items have no interactions); blending warm items' vectors changes them.
  factors.knownUsers = params.warmBlend === 0 ? ials.knownUsers : null;
  return new HybridModel(params, factors, mapped);
}

function hasNonZero(v: Float32Array, off: number, d: number): boolean {
  for (let t = 0; t < d; t++) if (v[off + t] !== 0) return true;
  return false;
}

export const hybrid: Algorithm<HybridParams> = {
  name: HYBRID,
  needsContent: true,
  summary: 'iALS + a ridge map from item content to item factors, so items without feedback get factors (Gantner et al. 2010).',
  paramsSchema: hybridParamsSchema,
  searchSpace: hybridSearchSpace,
  train: trainHybrid,
  deserialize: (bytes) => HybridModel.deserialize(bytes),
};
