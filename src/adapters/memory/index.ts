export { createMemoryStores } from './create-memory-stores.js';
export { MemoryDataStore } from './memory-data-store.js';
export { MemoryEventLog } from './memory-event-log.js';
export { MemoryModelStore } from './memory-model-store.js';
export type { StoreBundle } from '../shared/index.js';
export { MemoryImpressionStore } from './memory-impression-store.js';
export { MemoryExperimentStore } from './memory-experiment-store.js';
export { MemoryCacheStore } from './memory-cache-store.js';
export type { MemoryCacheStoreOptions } from './memory-cache-store.js';
