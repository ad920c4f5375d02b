import type { StoreBundle } from '../shared/index.js';
import { MemoryDataStore } from './memory-data-store.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryModelStore } from './memory-model-store.js';

/** Fresh, empty in-memory stores with the same semantics as the SQLite ones. */
export function createMemoryStores(): StoreBundle {
  const data = new MemoryDataStore();
  const log = new MemoryEventLog();
  const models = new MemoryModelStore();
  return {
    data,
    log,
    models,
    async close() {
      await Promise.all([data.close(), log.close(), models.close()]);
    },
  };
}
