import { z } from 'zod';

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
