export * from './errors.js';
export * from './types.js';
export * from './feedback.js';
export * from './rng.js';
export * from './clock.js';
export * from './id-index.js';
