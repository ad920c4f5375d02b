export * from './schemas.js';
export * from './catalog.js';
export * from './model-cache.js';
export * from './applier.js';
export * from './ingest.js';
export * from './records.js';
export * from './recommend.js';
export * from './training.js';
