export * from './engine.js';
export * from './stores.js';
export type { DemoSeedResult } from './demo.js';
