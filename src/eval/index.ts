export * from './metrics.js';
export * from './protocol.js';
export * from './report.js';
export * from './search-space.js';
export * from './tune.js';
