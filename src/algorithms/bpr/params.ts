import { z } from 'zod';
import type { SearchSpace } from '../types.js';

export const bprParamsSchema = z.strictObject({
  factors: z.int().min(1).max(1024).default(64).describe('Latent dimensions of user and item vectors.'),
  epochs: z
    .int()
    .min(0)
    .default(40)
    .describe('Passes; each draws as many (user, positive, negative) triples as there are interactions.'),
  learningRate: z.number().positive().default(0.05).describe('SGD step size (decays linearly to 10% over training).'),
  regularization: z.number().nonnegative().default(0.005).describe('L2 penalty on user and item vectors, per update.'),
  biasRegularization: z.number().nonnegative().default(0.005).describe('L2 penalty on item biases, per update.'),
  initStd: z.number().nonnegative().default(0.1).describe('Initial factors are normal with this standard deviation.'),
  foldInEpochs: z
    .int()
    .min(1)
    .default(40)
    .describe('Fold-in of an unknown user: passes of SGD over their history against fixed item factors.'),
});

export type BprParams = z.infer<typeof bprParamsSchema>;

/**
 * Dimension, length of training and the SGD step and penalties. Epochs reach 120 because BPR
 * with uniform negatives converges slowly on sparse data; fold-in and initialisation stay at
 * their defaults (fold-in does not affect an offline evaluation of known users).
 */
export const bprSearchSpace: SearchSpace<BprParams> = {
  factors: { kind: 'int', min: 32, max: 256, log: true, step: 16 },
  epochs: { kind: 'int', min: 20, max: 120, log: true },
  learningRate: { kind: 'float', min: 0.01, max: 0.2, log: true },
  regularization: { kind: 'float', min: 1e-4, max: 0.05, log: true },
  biasRegularization: { kind: 'float', min: 1e-4, max: 0.05, log: true },
};
