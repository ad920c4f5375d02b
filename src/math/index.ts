export * from './csr.js';
export * from './topk.js';
