// Pure helpers every adapter shares, so that the semantics the contract suites check (id order,
// cursors, patch merging, limits, bare records) are written once rather than once per backend.
export * from './id-order.js';
export * from './list-cursor.js';
export * from './limits.js';
export * from './patches.js';
export * from './records.js';
export type * from './store-bundle.js';
export * from './ctr.js';
export * from './impression-rows.js';
export * from './cache-entries.js';
export * from './experiments.js';
