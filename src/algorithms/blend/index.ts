/**
 * A blend of models: a weighted sum of standardised scores, the simplest of the hybrid
 * ensembles (score-level fusion; cf. the linear blends of the Netflix Prize, Bell, Koren &
 * Volinsky 2007). Each component trains on the same data with the same seed.
 */
import { MagpieError } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import type { Algorithm, Model, TrainContext } from '../types.js';
import { BLEND, BlendModel } from './model.js';
import { blendParamsSchema, type BlendParams } from './params.js';

export { BlendModel, addStandardised } from './model.js';
export { blendParamsSchema, type BlendParams } from './params.js';

/**
 * The blend algorithm over a registry (`lookup` finds components by name; passed in so that
 * the registry, which lists blend itself, is not imported here).
 */
export function makeBlend(
  lookup: (name: string) => Algorithm,
  parseParams: (algorithm: Algorithm, params: unknown, source: string) => Record<string, unknown>,
): Algorithm<BlendParams> {
  return {
    name: BLEND,
    summary: 'Weighted sum of standardised scores of several models (score-level hybrid, e.g. iALS + item-kNN).',
    paramsSchema: blendParamsSchema,
    async train(data: TrainingData, params: BlendParams, ctx: TrainContext): Promise<Model> {
      const models: Model[] = [];
      for (const [c, spec] of params.components.entries()) {
        if (spec.algorithm === BLEND) throw new MagpieError('VALIDATION_FAILED', 'a blend cannot contain a blend');
        const algorithm = lookup(spec.algorithm);
        const own = parseParams(algorithm, spec.params, `blend component ${c}`);
        const progress = ctx.progress;
        models.push(
          await algorithm.train(data, own, {
            ...ctx,
            progress: progress ? (p) => progress({ ...p, stage: `${spec.algorithm} ${p.stage}` }) : undefined,
          }),
        );
      }
      const resolved = { components: params.components.map((spec, c) => ({ ...spec, params: { ...models[c]!.params } })) };
      return new BlendModel(resolved, data.items, models);
    },
    deserialize: (bytes) => BlendModel.deserialize(bytes, lookup),
  };
}
