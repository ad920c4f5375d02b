export * from './training-data.js';
export * from './content/index.js';
export * from './bundle.js';
export * from './snapshot-builder.js';
export * from './test-set.js';
export * from './splits.js';
export * from './readers/index.js';
export * from './demo/index.js';
