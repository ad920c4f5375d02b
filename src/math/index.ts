export * from './csr.js';
export * from './topk.js';
export * from './sparse-topk.js';
export * from './blas.js';
export * from './cholesky.js';
export * from './cg.js';
export * from './normalize.js';
export * from './wasm/index.js';
