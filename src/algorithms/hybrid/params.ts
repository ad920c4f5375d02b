import { z } from 'zod';
import { contentFeatureSearchSpace, contentFeatureShape } from '../content/index.js';
import { ialsParamsSchema, ialsSearchSpace, type IalsParams } from '../ials/params.js';
import type { SearchSpace } from '../types.js';

/**
 * The hybrid's parameters, flat so that `magpie tune` can search them: the iALS ones (the
 * collaborative model), the content features' (shared with the content model), and the
 * mapping's own.
 */
export const hybridParamsSchema = z.strictObject({
  ...ialsParamsSchema.shape,
  ...contentFeatureShape,
  maxFeatures: z
    .int()
    .min(1)
    .default(5000)
    .describe('Content features used by the mapping, the ones held by most items (the ridge solve grows with them).'),
  mappingRegularization: z
    .number()
    .positive()
    .default(3)
    .describe('λ of the ridge regression from content vectors to item factors (larger = cold items closer to the average item).'),
  mappingSteps: z
    .int()
    .min(1)
    .max(2000)
    .default(200)
    .describe('Most conjugate-gradient steps of the ridge solve; it stops earlier once the residual is 10⁻⁵ of the right-hand side.'),
  minItemInteractions: z
    .int()
    .min(1)
    .default(1)
    .describe('Items with at least this many training interactions (and some content) are the regression\'s examples.'),
  coldScale: z
    .number()
    .nonnegative()
    .default(1)
    .describe(
      'Multiplier of the mapped factors of items without interactions. 1 scores them by the regression\'s expectation, ' +
        'which ranks a cold item below the warm items its content resembles; larger values promote cold items (exploration).',
    ),
  warmBlend: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('Factors of items with interactions: (1 − b)·learned + b·mapped from content; 0 keeps the learned ones. Items without interactions always get the mapped ones.'),
});

export type HybridParams = z.infer<typeof hybridParamsSchema>;

const ialsKeys = Object.keys(ialsParamsSchema.shape) as (keyof IalsParams)[];

/** The iALS part of the hybrid's parameters. */
export function ialsPart(params: HybridParams): IalsParams {
  return Object.fromEntries(ialsKeys.map((key) => [key, params[key]])) as unknown as IalsParams;
}

/** iALS's space, the content weighting's, and the mapping's λ and warm blend. */
export const hybridSearchSpace: SearchSpace<HybridParams> = {
  ...ialsSearchSpace,
  ...contentFeatureSearchSpace,
  mappingRegularization: { kind: 'float', min: 0.01, max: 100, log: true },
  coldScale: { kind: 'float', min: 0.5, max: 4, log: true },
  warmBlend: { kind: 'float', min: 0, max: 0.5 },
};
