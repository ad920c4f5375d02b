// storage.cache redis://: a list computed by one engine is served by another from Redis, and only
// to an engine with the same models in service. Two engines in this process stand for two
// server processes (each has its own stores, caches and Redis connection).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { deleteKeysWithPrefix, redisSkipReason } from '../src/adapters/redis/testing/redis.js';
import { fixtureEvents, fixtureItems } from './helpers/engine.js';

const REDIS_URL = process.env['MAGPIE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const skip = await redisSkipReason(REDIS_URL);
const prefix = `magpie_shared_${process.pid}_${Date.now()}:`;
const dir = mkdtempSync(join(tmpdir(), 'magpie-shared-cache-'));
const engines: Engine[] = [];

afterAll(async () => {
  for (const e of engines) await e.close();
  if (!skip) await deleteKeysWithPrefix(REDIS_URL, prefix);
  rmSync(dir, { recursive: true, force: true });
});

async function engineOn(): Promise<Engine> {
  const engine = await createEngine({
    storage: { url: `sqlite:${join(dir, 'magpie.db')}`, cache: REDIS_URL, cacheKeyPrefix: prefix },
    server: { logLevel: 'silent' },
    training: { inWorker: false, intervalMinutes: 0, holdoutFraction: 0 },
  });
  engines.push(engine);
  return engine;
}

describe.skipIf(skip !== undefined)(`storage.cache redis://${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('serves a list computed by another process, and only with the same models in service', async () => {
    const a = await engineOn();
    await a.records.upsertItems(fixtureItems());
    await a.ingest.ingest(fixtureEvents());
    await a.train();
    const b = await engineOn(); // loads the models a trained
    expect(b.models.versions()).toEqual(a.models.versions());

    const fromA = await a.recommend.recommend('user3', { n: 4 });
    expect(a.sharedCache?.misses).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the store is sent in the background
    const fromB = await b.recommend.recommend('user3', { n: 4 });
    expect(b.sharedCache?.hits).toBe(1);
    expect(fromB.items).toEqual(fromA.items);
    expect(fromB.requestId).not.toBe(fromA.requestId); // a response of its own, logged as a repeat

    // A newer model in a only: its lists are its own until b swaps the same model in.
    await a.train();
    const newer = await a.recommend.recommend('user4', { n: 4 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await b.recommend.recommend('user4', { n: 4 });
    expect(b.sharedCache?.hits).toBe(1);
    await b.models.refresh();
    b.recommend.cache.clear(); // as the engine's model poll does after a swap
    expect((await b.recommend.recommend('user4', { n: 4 })).items).toEqual(newer.items);
    expect(b.sharedCache?.hits).toBe(2);
  });
});
