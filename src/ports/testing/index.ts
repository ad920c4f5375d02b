// Contract suites: every adapter of a port runs the same suite (vitest), so backends cannot drift.
export { describeDataStoreContract } from './data-store.contract.js';
export { describeEventLogContract } from './event-log.contract.js';
export { describeModelStoreContract } from './model-store.contract.js';
export { describeModelRegistryContract } from './model-registry.contract.js';
export type { ContractOptions, OpenStore, OpenedStore } from './fixtures.js';
export { describeImpressionStoreContract } from './impression-store.contract.js';
export { describeCacheStoreContract } from './cache-store.contract.js';
