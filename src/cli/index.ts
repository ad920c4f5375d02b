export * from './program.js';
export type * from './engine-port.js';
