/**
 * Magpie as a library: `createEngine(config)` gives the whole engine in-process (ingest,
 * storage, training, recommendations, and the HTTP API if you want it).
 */
export { createEngine, createEngineFromEnv, type Engine, type EngineOptions } from './bootstrap/index.js';
export { configSchema, loadConfig, parseConfig, type MagpieConfig, type MagpieConfigInput } from './config/index.js';
export { MagpieError, ERROR_CODES, type ErrorCode, type FeedbackEvent, type Item, type User } from './core/index.js';
export { algorithms, getAlgorithm, type Algorithm, type Model, type UserQuery } from './algorithms/index.js';
export type { RecommendedItem } from './pipeline/index.js';
export type { RecommendResponse } from './services/index.js';
