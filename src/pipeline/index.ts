export * from './history.js';
export type * from './catalog.js';
export type * from './serving-models.js';
export type * from './request.js';
export * from './recommender.js';
export * from './query.js';
export type * from './candidate.js';
