// Redis adapters: the cache and online state that several server processes share.
export { RedisCacheStore, openRedisCacheStore } from './redis-cache-store.js';
export type { RedisCacheStoreOptions } from './redis-cache-store.js';
