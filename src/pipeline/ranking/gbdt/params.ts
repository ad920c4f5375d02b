import { z } from 'zod';

/**
 * Gradient-boosting parameters; names and defaults follow LightGBM's where one exists
 * (num_iterations, learning_rate, num_leaves, min_data_in_leaf, lambda_l2, bagging_fraction…).
 */
export const gbdtParamsSchema = z.strictObject({
  objective: z
    .enum(['binary', 'lambdamart'])
    .default('lambdamart')
    .describe('binary: logistic loss on 0/1 labels (click-through); lambdamart: NDCG@k over query groups (Burges 2010).'),
  trees: z.int().min(1).max(10_000).default(300).describe('Most boosting rounds (early stopping may keep fewer).'),
  learningRate: z.number().positive().max(1).default(0.05).describe('Shrinkage of every tree\'s output.'),
  maxLeaves: z.int().min(2).max(4096).default(31).describe('Leaves per tree (leaf-wise growth).'),
  maxDepth: z.int().min(0).max(64).default(0).describe('Depth limit; 0 = none (maxLeaves bounds the tree).'),
  minDataInLeaf: z.int().min(1).default(20).describe('Fewest training rows a leaf may hold.'),
  minSumHessianInLeaf: z.number().nonnegative().default(1e-3).describe('Smallest hessian sum a leaf may hold.'),
  lambdaL2: z.number().nonnegative().default(1).describe('L2 penalty on leaf values (the λ of −G / (H + λ)).'),
  minGainToSplit: z.number().nonnegative().default(0).describe('A split must reduce the loss by more than this.'),
  rowSubsample: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe('Share of rows (binary) or query groups (lambdamart) each tree sees, drawn with the seed.'),
  featureSubsample: z.number().gt(0).max(1).default(1).describe('Share of features each tree may split on.'),
  maxBins: z.int().min(2).max(255).default(255).describe('Value bins per feature (quantiles of the training values).'),
  earlyStoppingRounds: z
    .int()
    .min(0)
    .default(30)
    .describe('Stop when the validation metric has not improved for this many rounds (0 = off; needs a validation set).'),
  ndcgAt: z.int().min(1).default(10).describe('lambdamart: the k of the NDCG@k that lambdas and validation use.'),
  lambdaTruncation: z.int().min(1).default(30).describe('lambdamart: only pairs with one row in the current top this many.'),
  sigma: z.number().positive().default(1).describe('lambdamart: σ of the pairwise logistic.'),
  normalizeLambdas: z.boolean().default(true).describe('lambdamart: scale each query\'s lambdas by log2(1 + Σλ) / Σλ.'),
});

export type GbdtParams = z.infer<typeof gbdtParamsSchema>;
export type GbdtParamsInput = z.input<typeof gbdtParamsSchema>;
