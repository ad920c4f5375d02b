import type { StoreBundle } from '../shared/index.js';
import { MemoryDataStore } from './memory-data-store.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryImpressionStore } from './memory-impression-store.js';
import { MemoryModelStore } from './memory-model-store.js';
import { MemoryExperimentStore } from './memory-experiment-store.js';

/** Fresh, empty in-memory stores with the same semantics as the SQLite ones. */
export function createMemoryStores(): StoreBundle {
  const data = new MemoryDataStore();
  const log = new MemoryEventLog();
  const models = new MemoryModelStore();
  const impressions = new MemoryImpressionStore();
  const experiments = new MemoryExperimentStore();
  return {
    data,
    log,
    models,
    impressions,
    experiments,
    async close() {
      await Promise.all([data.close(), log.close(), models.close(), impressions.close(), experiments.close()]);
    },
  };
}
