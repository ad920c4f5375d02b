export type * from './types.js';
export { algorithms, getAlgorithm, parseParams } from './registry.js';
export { popularity, popularityScores, popularityParamsSchema, PopularityModel, type PopularityParams } from './popularity/index.js';
export { itemKnn, itemKnnParamsSchema, ItemKnnModel, bm25Weights, buildNeighbours, type ItemKnnParams, type NeighbourLists } from './itemknn/index.js';
export { ials, trainIals, ialsParamsSchema, IalsModel, type IalsParams } from './ials/index.js';
export { bpr, trainBpr, bprParamsSchema, BprModel, type BprParams } from './bpr/index.js';
export { BlendModel } from './blend/index.js';
export { FactorModel } from './shared/factor-model.js';
export { ease, trainEase, easeParamsSchema, EaseModel, type EaseParams, type EaseSolveOptions } from './ease/index.js';
