import { generateDemoData } from '../data/index.js';
import type { Clock } from '../core/index.js';
import type { IngestService, RecordsService } from '../services/index.js';
import type { Stores } from './stores.js';

export interface DemoSeedResult {
  seeded: boolean;
  users: number;
  items: number;
  events: number;
}

/**
 * Loads the generated demo catalogue into an empty store (never into one that holds data), with
 * events dated relative to now so that trending and latest have something to show.
 */
export async function seedDemoData(
  deps: { stores: Stores; records: RecordsService; ingest: IngestService; clock: Clock; maxBatch: number },
  onProgress?: (done: number, total: number) => void,
): Promise<DemoSeedResult> {
  const counts = await deps.stores.data.counts();
  if (counts.users + counts.items + counts.events > 0) return { seeded: false, ...counts };
  const data = generateDemoData({ now: deps.clock.now() });
  await deps.records.upsertUsers(data.users);
  await deps.records.upsertItems(data.items);
  for (let i = 0; i < data.events.length; i += deps.maxBatch) {
    await deps.ingest.ingest(data.events.slice(i, i + deps.maxBatch));
    onProgress?.(Math.min(i + deps.maxBatch, data.events.length), data.events.length);
  }
  return { seeded: true, users: data.users.length, items: data.items.length, events: data.events.length };
}
