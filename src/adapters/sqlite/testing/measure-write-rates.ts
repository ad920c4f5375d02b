/**
 * Measures SQLite write throughput on a temp file with the production settings (WAL,
 * synchronous = FULL): DataStore.insertEvents and EventLog.append of N events in batches.
 *
 * Usage: node --import tsx src/adapters/sqlite/testing/measure-write-rates.ts [events] [batch]
 * (defaults 100000 and 10000). Prints one line per measurement.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedbackEvent } from '../../../core/index.js';
import { openSqliteStores } from '../index.js';

const total = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 10_000);

function makeEvents(prefix: string): FeedbackEvent[] {
  // 5,000 users and 20,000 items with random-looking ids: index inserts land all over the tree.
  return Array.from({ length: total }, (_, k) => ({
    id: `${prefix}-${(k * 2_654_435_761) % 4_294_967_296}-${k}`,
    user: `user-${(k * 7_919) % 5_000}`,
    item: `item-${(k * 104_729) % 20_000}`,
    type: k % 10 === 0 ? 'purchase' : 'view',
    value: k % 3 === 0 ? null : k % 5,
    timestamp: 1_700_000_000_000 + k * 1_000,
    context: k % 2 === 0 ? { surface: 'home', position: k % 20 } : null,
  }));
}

async function timed(label: string, work: (batch: FeedbackEvent[]) => Promise<unknown>, events: FeedbackEvent[]) {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < events.length; i += batchSize) await work(events.slice(i, i + batchSize));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // CPU-time rate beside the wall-clock one: on a shared machine the wall rate mostly measures
  // the neighbours, while the CPU rate (user + system, fsync waits excluded) is this code's cost.
  const rate = (s: number): string => Math.round(events.length / s).toLocaleString('en');
  console.log(
    `${label}: ${events.length} events in ${seconds.toFixed(3)} s wall = ${rate(seconds)} events/s; ` +
      `${cpuSeconds.toFixed(3)} s CPU = ${rate(cpuSeconds)} events/s per CPU second`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'magpie-write-rates-'));
try {
  const stores = openSqliteStores(join(dir, 'rates.db'));
  const first = makeEvents('a');
  await timed(
    `DataStore.insertEvents (createMissing, new users/items, batch ${batchSize})`,
    (b) => stores.data.insertEvents(b, { createMissing: true, now: Date.now() }),
    first,
  );
  await timed(
    `DataStore.insertEvents (all users/items known, batch ${batchSize})`,
    (b) => stores.data.insertEvents(b, { createMissing: false, now: Date.now() }),
    makeEvents('b'),
  );
  await timed(
    `DataStore.insertEvents (every event a duplicate, batch ${batchSize})`,
    (b) => stores.data.insertEvents(b, { createMissing: false, now: Date.now() }),
    first,
  );
  await timed(`EventLog.append (batch ${batchSize})`, (b) => stores.log.append(b), makeEvents('c'));
  console.log(`counts: ${JSON.stringify(await stores.data.counts())}, log head: ${await stores.log.head()}`);
  await stores.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
