export * from './replay-service.js';
export * from './replay-scorer.js';
export * from './replay-variants.js';
export type { ReplayTargets } from './replay-window.js';
