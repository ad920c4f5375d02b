export type * from './data-store.js';
export type * from './event-log.js';
export type * from './model-store.js';
export type * from './impression-store.js';
export type * from './cache-store.js';
export type * from './experiment-store.js';
