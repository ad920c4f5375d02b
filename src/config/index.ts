export * from './schema.js';
export * from './load.js';
export * from './surface-rules.js';
export * from './surfaces.js';
export * from './api-keys.js';
