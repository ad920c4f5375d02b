export * from './metrics.js';
export * from './protocol.js';
export * from './report.js';
