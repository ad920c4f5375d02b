// Where the training snapshot's memory goes (issue #5's scale finding): opens an existing store,
// then builds what a training run builds before any model trains — every event read into an
// array, the full snapshot, the holdout time split — and prints the V8 heap in use after each
// step (after a full GC, so it is what each step keeps, not its garbage).
// Usage: node --expose-gc --import tsx bench/snapshot-memory.mts --db FILE
import { parseArgs } from 'node:util';
import { DEFAULT_FEEDBACK_TYPES } from '../src/config/index.js';
import type { FeedbackEvent } from '../src/core/index.js';
import { SnapshotBuilder, timeSplit } from '../src/data/index.js';
import { createEngine } from '../src/index.js';

const { values } = parseArgs({ options: { db: { type: 'string' } } });
if (!values.db) throw new Error('--db FILE is required');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heapMiB = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
let last = heapMiB();
let t = performance.now();
const step = (what: string, keep: unknown): void => {
  const now = heapMiB();
  console.log(`${what.padEnd(58)} +${(now - last).toFixed(0).padStart(6)} MiB (heap ${now.toFixed(0)} MiB, ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  last = now;
  t = performance.now();
  void keep;
};

const engine = await createEngine({ storage: { url: `sqlite:${values.db}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0 } });
const types = { ...DEFAULT_FEEDBACK_TYPES };
const events: FeedbackEvent[] = [];
for await (const batch of engine.stores.data.scanEvents(10_000)) for (const e of batch) events.push(e);
step(`${events.length.toLocaleString('en')} events read into one array`, events);
const builder = new SnapshotBuilder(types);
for await (const batch of engine.stores.data.scanItems(10_000)) for (const item of batch) builder.addItem(item.id, item);
for (const e of events) builder.add(e);
step('SnapshotBuilder fed (per-user Maps of cells)', builder);
const full = builder.build(Date.now());
step('snapshot built (CSR, id indexes, content)', full);
const split = timeSplit(events, { testFraction: 0.1, types });
step('holdout time split (a second builder, test rows)', split);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; V8 heap limit ${(((await import('node:v8')).getHeapStatistics().heap_size_limit) / 2 ** 20).toFixed(0)} MiB`);
await engine.close();
