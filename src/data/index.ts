export * from './training-data.js';
export * from './bundle.js';
export * from './snapshot-builder.js';
