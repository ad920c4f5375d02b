/**
 * Histogram-based gradient-boosted regression trees for learning to rank and click prediction.
 *
 * Follows:
 * - Friedman 2001, "Greedy Function Approximation: A Gradient Boosting Machine", and Friedman
 *   2002, "Stochastic Gradient Boosting" (row subsampling);
 * - Chen & Guestrin 2016, "XGBoost: A Scalable Tree Boosting System" (Newton leaf values
 *   −G/(H+λ), the split gain, sparsity-aware default directions for missing values);
 * - Ke et al. 2017, "LightGBM: A Highly Efficient Gradient Boosting Decision Tree" (features
 *   pre-binned into ≤ 255 quantile bins, histogram split finding with the sibling-subtraction
 *   trick, leaf-wise growth under a leaf budget);
 * - Burges 2010, "From RankNet to LambdaRank to LambdaMART: An Overview" (the LambdaMART
 *   objective with NDCG@k lambdas over query groups).
 *
 * Training is deterministic for a seed; a model is flat typed arrays that serialise to bytes
 * and back with bit-identical predictions.
 */
export { computeBinEdges, binMatrix, binOf, MAX_VALUE_BINS, type FeatureMatrix, type BinnedMatrix } from './binning.js';
export { GbdtModel } from './model.js';
export type { ForestArrays } from './forest.js';
export { gbdtParamsSchema, type GbdtParams, type GbdtParamsInput } from './params.js';
export { trainGbdt, type GbdtDataset, type GbdtTrainOptions, type GbdtTrainResult, type RoundReport } from './train.js';
export { sigmoid, logLoss, type ObjectiveName, type LabelledRows } from './objectives.js';
export { LambdaMart } from './lambdamart.js';
