import type { DataStore, EventLog, ExperimentStore, ImpressionStore, ModelStore } from '../../ports/index.js';

/**
 * The stores one backend opens together. Each store's own close() releases that store;
 * the bundle's close() releases all of them (and with them any shared connection).
 */
export interface StoreBundle {
  data: DataStore;
  log: EventLog;
  models: ModelStore;
  impressions: ImpressionStore;
  experiments: ExperimentStore;
  close(): Promise<void>;
}
