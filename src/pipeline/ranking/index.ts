/**
 * Ranking: the feature vector of (user, candidate, context), the default ranker (reciprocal
 * rank fusion, Cormack et al. 2009) and the learned one (gradient-boosted trees with a
 * LambdaMART or logistic objective: Burges 2010; Ke et al. 2017), trained from logged
 * impressions and their attributed outcomes.
 */
export {
  GbdtModel,
  trainGbdt,
  gbdtParamsSchema,
  LambdaMart,
  type FeatureMatrix,
  type ForestArrays,
  type GbdtDataset,
  type GbdtParams,
  type GbdtParamsInput,
  type GbdtTrainOptions,
  type GbdtTrainResult,
  type ObjectiveName,
  type RoundReport,
} from './gbdt/index.js';
export * from './features.js';
export * from './ranker.js';
export * from './default-ranker.js';
export * from './training-groups.js';
export * from './learned-ranker.js';
