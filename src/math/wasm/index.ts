export { KernelMemory, instantiateKernels, wasmKernelsEnabled, type KernelExports } from './kernel-memory.js';
export { DenseScorer } from './dense-scorer.js';
export { KernelThreads, balancedSplit, kernelThreadCount } from './kernel-threads.js';
export { BlockSweepKernel } from './dense-blocks.js';
export { QuantizedScorer, type PreparedQuery } from './quantized-scorer.js';
