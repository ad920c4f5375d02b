// DataStore.insertEvents throughput on Postgres: 100,000 events in batches of 10,000, into a
// fresh schema that is dropped afterwards. Users and items are created by the batches
// (createMissing), as ingest does; a second pass adds 100,000 more on top (bigger indexes,
// users and items already known). The event log's append is timed too, for comparison.
// Usage: npx tsx bench/pg-insert.mts [--events 100000] [--batch 10000] [--users 20000] [--items 5000]
// MAGPIE_TEST_POSTGRES_URL names the server (default postgres://postgres@127.0.0.1:5432/test).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { FeedbackEvent } from '../src/core/index.js';
import { openPostgresStores } from '../src/adapters/postgres/index.js';

const { values } = parseArgs({
  options: { events: { type: 'string' }, batch: { type: 'string' }, users: { type: 'string' }, items: { type: 'string' } },
});
const total = Number(values.events ?? 100_000);
const batchSize = Number(values.batch ?? 10_000);
const users = Number(values.users ?? 20_000);
const items = Number(values.items ?? 5_000);
const url = process.env['MAGPIE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `magpie_bench_${randomBytes(4).toString('hex')}`;

function makeEvents(pass: string): FeedbackEvent[][] {
  const batches: FeedbackEvent[][] = [];
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let start = 0; start < total; start += batchSize) {
    const batch: FeedbackEvent[] = [];
    for (let k = start; k < Math.min(total, start + batchSize); k++) {
      batch.push({
        id: `${pass}-${randomBytes(8).toString('hex')}-${k}`,
        user: `user-${rand(users)}`,
        item: `item-${rand(items)}`,
        type: k % 10 === 0 ? 'purchase' : 'view',
        value: k % 3 === 0 ? 1.5 : null,
        timestamp: 1_700_000_000_000 + k * 1000,
        context: k % 2 === 0 ? { surface: 'home', position: k % 20 } : null,
      });
    }
    batches.push(batch);
  }
  return batches;
}

const stores = await openPostgresStores(url, { schema });
try {
  for (const [pass, label] of [['a', 'into an empty store, users and items created'], ['b', 'on top of the first pass']] as const) {
    const batches = makeEvents(pass);
    const t0 = performance.now();
    let inserted = 0;
    for (const batch of batches) inserted += (await stores.data.insertEvents(batch, { createMissing: true, now: Date.now() })).inserted;
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `insertEvents (${label}): ${inserted} events in ${batches.length} batches of ${batchSize} in ${seconds.toFixed(2)} s = ${Math.round(inserted / seconds).toLocaleString('en-US')} events/s`,
    );
  }
  const batches = makeEvents('c');
  const t0 = performance.now();
  for (const batch of batches) await stores.log.append(batch);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`log.append: ${total} events in batches of ${batchSize} in ${seconds.toFixed(2)} s = ${Math.round(total / seconds).toLocaleString('en-US')} events/s`);
  console.log('counts', await stores.data.counts());
} finally {
  await stores.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
