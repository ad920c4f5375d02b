/**
 * Post-processing: the last stage of a serving pipeline (candidates → ranking → here). Pure,
 * synchronous functions over `Candidate[]`; postProcess composes them in a fixed order
 * (filters → rules → freshness → sort → diversity/caps → exploration → pins → page).
 *
 * - Attribute expressions: a small recursive-descent parser compiled to closures
 *   (expression-*.ts; the grammar is in expression-parser.ts and docs/serving.md).
 * - Diversity: maximal marginal relevance, J. Carbonell and J. Goldstein, "The use of MMR,
 *   diversity-based reranking for reordering documents and producing summaries", SIGIR 1998,
 *   over a pluggable similarity (default: Jaccard of categories + tags), plus per-category caps.
 * - Exploration: reserved slots filled by a seeded uniform draw (xoshiro128**, core's Rng).
 */
export { compileExpression, type CompiledExpression, type CompileOptions, type ItemPredicate } from './expression-compile.js';
export { parseExpression, type ExprNode, type CompareOp, type CallName } from './expression-parser.js';
export type { PostProcessContext, RequestFilters } from './context.js';
export { FILTER_ORDER, makeFilterCheck, applyFilters, type FilterName, type FilterCheck, type Filtered } from './filters.js';
export { compilePostProcess, isPostProcessPlan, type PostProcessPlan, type ScoreRule, type PinRule, type ExplorationPlan } from './plan.js';
export { applyScoreRules } from './rules.js';
export { applyFreshness, freshnessBoost } from './freshness.js';
export { scaleScore, byScoreThenId } from './score.js';
export { jaccardSimilarity, pairwiseSimilarity, type SimilarityFactory, type PairSimilarity } from './similarity.js';
export { diversify, type DiversityOptions } from './diversity.js';
export { ExplorationDraw } from './exploration.js';
export { resolvePins, DEFAULT_PIN_REASON, type ResolvedPin } from './pins.js';
export { placeItems, type Placement } from './placement.js';
export { pageOf } from './paginate.js';
export { postProcess, processRanking } from './post-process.js';
