export * from './app.js';
export type * from './deps.js';
export * from './metrics.js';
export * from './errors.js';
export type * from './api-types.js';
