// What a request that misses every cache reads per user on Postgres, against what Redis would
// answer instead (ADR 0013): the user's history (DataStore.userEvents, limit 500 as serving asks)
// against the same user's recent history in Redis (CacheStore.recent), and the shared results
// cache's lookup (a cached list and the user's version, one round trip). One client, one request
// at a time, so the figures are latencies, not throughput.
// Usage: npx tsx bench/online-state.mts [--users 2000] [--per-user 200] [--reads 2000]
// MAGPIE_TEST_POSTGRES_URL and MAGPIE_TEST_REDIS_URL name the servers (the test defaults).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { FeedbackEvent } from '../src/core/index.js';
import { openPostgresStores } from '../src/adapters/postgres/index.js';
import { dropSchema, PG_TEST_URL } from '../src/adapters/postgres/testing/pg-test-env.js';
import { openRedisCacheStore } from '../src/adapters/redis/index.js';
import { deleteKeysWithPrefix } from '../src/adapters/redis/testing/redis.js';
import { SharedListCache } from '../src/services/index.js';

const { values } = parseArgs({ options: { users: { type: 'string' }, 'per-user': { type: 'string' }, reads: { type: 'string' } } });
const users = Number(values.users ?? 2_000);
const perUser = Number(values['per-user'] ?? 200);
const reads = Number(values.reads ?? 2_000);
const redisUrl = process.env['MAGPIE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const tag = randomBytes(4).toString('hex');
const schema = `magpie_bench_${tag}`;
const prefix = `magpie_bench_${tag}:`;

const stores = await openPostgresStores(PG_TEST_URL, { schema });
const cache = await openRedisCacheStore(redisUrl, { keyPrefix: prefix });
try {
  const t0 = 1_700_000_000_000;
  for (let u0 = 0; u0 < users; u0 += 50) {
    const batch: FeedbackEvent[] = [];
    for (let u = u0; u < Math.min(users, u0 + 50); u++) {
      for (let k = 0; k < perUser; k++) {
        batch.push({ id: `e${u}-${k}`, user: `u${u}`, item: `i${(u * 31 + k * 7) % 20_000}`, type: 'click', value: null, timestamp: t0 + k * 60_000, context: null });
      }
    }
    await stores.data.insertEvents(batch, { createMissing: true, now: Date.now() });
    await cache.pushRecent(batch, 500);
  }
  const shared = new SharedListCache(cache);
  const pick = (i: number): string => `u${(i * 7919) % users}`;

  const time = async (name: string, read: (user: string) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < 200; i++) await read(pick(i)); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < reads; i++) {
      const started = performance.now();
      await read(pick(i + 200));
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    const at = (q: number): string => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
    console.log(`${name.padEnd(44)} p50 ${at(0.5)} ms   p99 ${at(0.99)} ms`);
  };

  console.log(`${users} users × ${perUser} events; ${reads} reads each, one at a time`);
  await time('Postgres userEvents(limit 500) + getUser', (u) => Promise.all([stores.data.userEvents(u, { limit: 500 }), stores.data.getUser(u)]));
  await time('Redis recent(500)', (u) => cache.recent(u, 500));
  await time('Redis shared list lookup (get + version)', (u) => shared.lookup(u, 'home', 'm'));
} finally {
  await stores.close();
  await cache.close();
  await dropSchema(schema);
  await deleteKeysWithPrefix(redisUrl, prefix);
}
