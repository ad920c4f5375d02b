export * from './source.js';
export * from './vector-view.js';
export * from './retrieval.js';
export * from './collaborative.js';
export * from './neighbours.js';
export * from './ranked.js';
export * from './fresh.js';
export * from './merge.js';
