// Issue #5 fault tests. Redis down: lists are still served (without the shared cache), nothing
// answers 5xx, and the engine uses Redis again by itself once it is back. Postgres down: writes
// answer 503 with Retry-After and a code, cached lists are still served, and everything works
// again by itself when the database is back. Each test breaks a server of its own: a private
// redis-server, and a TCP proxy in front of the shared Postgres that the test cuts.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine, type MagpieConfigInput } from '../src/index.js';
import { freePort, SpawnedServer } from '../src/adapters/shared/testing/spawned-server.js';
import { dropSchema, postgresSkipReason, randomSchema } from '../src/adapters/postgres/testing/pg-test-env.js';
import { deleteKeysWithPrefix, redisSkipReason } from '../src/adapters/redis/testing/redis.js';
import { fixtureEvents, fixtureItems } from './helpers/engine.js';
import { waitUntil } from './helpers/cluster.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const REDIS_BIN = process.env['MAGPIE_TEST_REDIS_SERVER_BIN'] ?? '/usr/bin/redis-server';
const noRedisBinary = SpawnedServer.available(REDIS_BIN) ? undefined : `no redis-server binary at ${REDIS_BIN}`;
const REDIS_URL = process.env['MAGPIE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const noPostgres = await postgresSkipReason();
const noSharedRedis = await redisSkipReason(REDIS_URL);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function engineWith(overrides: MagpieConfigInput): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await createEngine({
    server: { logLevel: 'silent' },
    training: { inWorker: false, intervalMinutes: 0, holdoutFraction: 0 },
    ...overrides,
  });
  cleanups.push(() => engine.close());
  const app = await engine.server();
  await engine.records.upsertItems(fixtureItems());
  await engine.ingest.ingest(fixtureEvents());
  await engine.train();
  return { engine, app };
}

/** GET a list; its status, item ids and how long it took. */
async function list(app: FastifyInstance, user: string, n = 5) {
  const started = Date.now();
  const r = await app.inject({ method: 'GET', url: `/api/recommend/${user}?n=${n}` });
  const ms = Date.now() - started;
  return { status: r.statusCode, ids: r.statusCode === 200 ? (r.json().items as { id: string }[]).map((i) => i.id) : [], ms, body: r.body };
}

describe.skipIf(noRedisBinary !== undefined)(`Redis down${noRedisBinary ? ` (skipped: ${noRedisBinary})` : ''}`, () => {
  it('serves lists without the shared cache (no 5xx, no long waits) and uses Redis again once it is back', async () => {
    const port = await freePort();
    const redis = new SpawnedServer(REDIS_BIN, (p) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], port);
    await redis.start();
    cleanups.push(() => redis.kill());
    const url = `redis://127.0.0.1:${port}`;
    const { engine, app } = await engineWith({ storage: { url: 'memory:', cache: url, cacheKeyPrefix: 'fault:' } });
    const shared = engine.sharedCache!;

    expect((await list(app, 'user0')).status).toBe(200);
    expect(shared.misses).toBe(1); // computed, and stored for the other processes

    // A server that hangs: the first request waits for one command timeout, the next ones not at all.
    redis.freeze(true);
    const hung = [await list(app, 'user1'), await list(app, 'user2'), await list(app, 'user3')];
    redis.freeze(false);
    expect(hung.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(hung[0]!.ms).toBeLessThan(2_500);
    expect(hung[1]!.ms + hung[2]!.ms).toBeLessThan(1_000);
    expect(shared.available).toBe(false);

    // A server that is gone: lists, feedback and profile writes all still answer.
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the retry pause
    const down = [await list(app, 'user4'), await list(app, 'user0'), await list(app, 'user5')];
    expect(down.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const r of down) expect(r.ms).toBeLessThan(1_500);
    const liked = await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'user6', item: 'r1', type: 'like' }] });
    expect(liked.statusCode, liked.body).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/popular' })).statusCode).toBe(200);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^magpie_shared_cache_up 0$/m);
    expect(metrics).toMatch(/^magpie_shared_cache_failures_total [1-9]/m);

    // Back (empty, as after a restart): the engine finds it by itself, first delivering the
    // invalidation it owed for user6, then caching lists there again.
    await redis.start();
    const probe = new Redis(url, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => probe.disconnect());
    let n = 1;
    await waitUntil('lists are cached in Redis again', async () => {
      // A list not asked for before each time: one already in this process's cache would not
      // reach Redis at all.
      expect((await list(app, 'user7', n++)).status).toBe(200);
      return shared.available && (await probe.keys('fault:c:list:*')).length > 0;
    }, 10_000);
    expect(await probe.hget('fault:uv', 'user6')).toBe('1');
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^magpie_shared_cache_up 1$/m);
  }, 30_000);

  it('starts while Redis is down and serves without it', async () => {
    const deadPort = await freePort();
    const { engine, app } = await engineWith({ storage: { url: 'memory:', cache: `redis://127.0.0.1:${deadPort}` } });
    const r = await list(app, 'user0');
    expect(r.status, r.body).toBe(200);
    expect(r.ids.length).toBeGreaterThan(0);
    expect(engine.sharedCache?.available).toBe(false);
  }, 20_000);
});

const pgSkip = noPostgres ?? noSharedRedis;
describe.skipIf(pgSkip !== undefined)(`Postgres down${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  it('answers writes 503 with Retry-After and a code, serves cached lists, and recovers by itself', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    await proxy.start();
    cleanups.push(() => proxy.cut());
    const schema = randomSchema('magpie_fault');
    cleanups.push(() => dropSchema(schema));
    const prefix = `magpie_fault_${process.pid}_${Date.now()}:`;
    cleanups.push(() => deleteKeysWithPrefix(REDIS_URL, prefix));
    const { app } = await engineWith({
      storage: { url: `postgres://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`, cache: REDIS_URL, cacheKeyPrefix: prefix },
    });
    const cached = await list(app, 'user0');
    expect(cached.status).toBe(200);
    expect(cached.ids.length).toBeGreaterThan(0);

    await proxy.cut();
    const writes = [
      await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'user1', item: 's1', type: 'click' }] }),
      await app.inject({ method: 'POST', url: '/api/items', payload: [{ id: 'new1', title: 'New' }] }),
      await app.inject({ method: 'POST', url: '/api/users', payload: [{ id: 'ann' }] }),
    ];
    for (const w of writes) {
      expect(w.statusCode, w.body).toBe(503);
      expect(w.headers['retry-after']).toBe('5');
      expect(w.json().error.code).toBe('UNAVAILABLE');
    }
    // Reads: the cached list is served as before; a list that needs the store is refused the
    // same way as a write; lists that need no store (popular, trending) are served.
    expect(await list(app, 'user0')).toMatchObject({ status: 200, ids: cached.ids });
    const uncached = await app.inject({ method: 'GET', url: '/api/recommend/user2?n=5' });
    expect(uncached.statusCode).toBe(503);
    expect(uncached.json().error.code).toBe('UNAVAILABLE');
    expect((await app.inject({ method: 'GET', url: '/api/popular' })).statusCode).toBe(200);

    await proxy.start();
    // The pool reconnects by itself: the client's retry succeeds, and the write is read back.
    let retried = await app.inject({ method: 'POST', url: '/api/events', payload: [{ id: 'after', user: 'user1', item: 's1', type: 'click' }] });
    const deadline = Date.now() + 10_000;
    while (retried.statusCode === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      retried = await app.inject({ method: 'POST', url: '/api/events', payload: [{ id: 'after', user: 'user1', item: 's1', type: 'click' }] });
    }
    expect(retried.statusCode, retried.body).toBe(200);
    const history = await app.inject({ method: 'GET', url: '/api/users/user1/events?limit=100' });
    expect((history.json().items as { id: string }[]).filter((e) => e.id === 'after')).toHaveLength(1);
    expect((await list(app, 'user2')).status).toBe(200);
  }, 30_000);
});
