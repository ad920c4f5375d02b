import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { MagpieApiError, MagpieClient } from '../src/client/index.js';
import { keysPerRole } from '../src/server/testing/engine.js';
import { LOVE, SPACE, fixtureEvents, fixtureItems, memoryEngine } from './helpers/engine.js';

/** The typed client against a real server listening on a port (not inject): fetch end to end. */

async function listening(overrides: Parameters<typeof memoryEngine>[0] = {}): Promise<{ engine: Engine; url: string }> {
  const { engine, app } = await memoryEngine({ ...overrides, server: { ...(overrides.server as object), host: '127.0.0.1', port: 0 } });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { engine, url };
}

async function rejection(work: Promise<unknown>): Promise<MagpieApiError> {
  const err = await work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MagpieApiError);
  return err as MagpieApiError;
}

describe('magpie/client against a running server', () => {
  let engine: Engine;
  let client: MagpieClient;

  beforeAll(async () => {
    let url: string;
    ({ engine, url } = await listening());
    client = new MagpieClient({ baseUrl: url });
    expect(await client.items.upsert(fixtureItems())).toEqual({ upserted: 12 });
    const sent = await client.sendEvents(fixtureEvents());
    expect(sent.accepted).toBe(fixtureEvents().length);
    await client.admin.train();
  });
  afterAll(async () => engine.close());

  it('says the open API needs no key and gives every caller the admin role', async () => {
    expect(await client.authRequired()).toBe(false);
    expect(await client.me()).toEqual({ auth: false, name: null, role: 'admin' });
  });

  it('reads records, pages and histories with their wire types', async () => {
    const page = await client.items.list({ limit: 5 });
    expect(page.items.map((i) => i.id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(page.next).not.toBeNull();
    const rest = await client.items.list({ limit: 100, cursor: page.next! });
    expect(rest.items).toHaveLength(7);
    expect((await client.items.get('s1')).title).toBe('Space Film 1');
    const history = await client.users.events('user0', { limit: 3 });
    expect(history.items).toHaveLength(3);
    expect(history.items.every((e) => e.user === 'user0' && typeof e.timestamp === 'string')).toBe(true);
    const status = await client.status();
    expect(status.counts).toEqual({ users: 40, items: 12, events: fixtureEvents().length });
    expect(status.models['main']?.version).toBe(1);
  });

  it('serves lists and passes surface, filter, category and exclude through', async () => {
    const rec = await client.recommend('user0', { n: 5 });
    expect(rec.items[0]!.id).toBe('s1');
    const romance = await client.recommend('user0', { n: 5, category: 'romance', exclude: ['r1', 'r2'] });
    expect(romance.items.length).toBeGreaterThan(0);
    expect(romance.items.every((i) => LOVE.includes(i.id) && i.id !== 'r1' && i.id !== 'r2')).toBe(true);
    const similar = await client.items.similar('s1', { n: 3 });
    expect(similar.items.every((i) => SPACE.includes(i.id))).toBe(true);
    expect((await client.popular({ n: 2 })).items).toHaveLength(2);
  });

  it('inspects a user: every source, the ranked candidates with features, the final list', async () => {
    const seen = await client.admin.inspect('user0', { n: 5 });
    expect(seen.surface).toBe('home');
    expect(seen.surfaces).toContain('home');
    expect(seen.titles['s1']).toBe('Space Film 1');
    expect(seen.history.positives).toBe(5);
    expect(seen.sources.length).toBeGreaterThan(1);
    const collaborative = seen.sources.find((s) => s.candidates.some((c) => c.id === 's1'));
    expect(collaborative).toBeDefined();
    expect(seen.ranked.length).toBeGreaterThan(0);
    expect(Object.keys(seen.ranked[0]!.features).length).toBeGreaterThan(0);
    // The same list GET /api/recommend serves, ids and sources alike.
    const served = await client.recommend('user0', { n: 5 });
    expect(seen.items.map((i) => [i.id, i.source])).toEqual(served.items.map((i) => [i.id, i.source]));
    const filtered = await client.admin.inspect('user0', { n: 5, filter: '"romance" in categories' });
    expect(filtered.items.every((i) => LOVE.includes(i.id))).toBe(true);
  });

  it('counts events per bucket and reports serving latency and the cache', async () => {
    for (let k = 0; k < 3; k++) await client.recommend('user1', { n: 5 });
    const t0 = Date.UTC(2026, 0, 1);
    const perHour = await client.stats.events({ bucket: 'hour', from: t0, to: t0 + 6 * 3_600_000 });
    expect(perHour.buckets).toHaveLength(6);
    expect(perHour.buckets.reduce((s, b) => s + b.events, 0)).toBe(fixtureEvents().length);
    expect(perHour.buckets[0]).toEqual({ start: new Date(t0).toISOString(), events: 60 });
    const serving = await client.stats.serving();
    const recommend = serving.routes.find((r) => r.route === '/api/recommend/:user');
    expect(recommend?.requests).toBeGreaterThanOrEqual(3);
    expect(recommend!.p50).toBeGreaterThan(0);
    expect(recommend!.p99).toBeGreaterThanOrEqual(recommend!.p50);
    expect(serving.cache.hits + serving.cache.misses).toBeGreaterThan(0);
  });

  it('names the users an item was recommended to', async () => {
    await client.recommend('user3', { n: 5 });
    const audience = await client.items.audience('s4');
    const user3 = audience.users.find((u) => u.user === 'user3');
    expect(user3?.impressions).toBeGreaterThanOrEqual(1);
    expect(user3?.surfaces).toEqual(['home']);
    expect(audience.truncated).toBe(false);
  });

  it('runs an offline evaluation on the stored data', async () => {
    // Later events of users the split trains on: the held-out future has something to find.
    const later = Date.UTC(2026, 1, 1);
    const extra = SPACE.map((item, k) => ({ id: `later${k}`, user: `user${10 + k}`, item, type: 'like', timestamp: later + k }));
    await client.sendEvents(extra);
    const report = await client.admin.evaluate({ algorithms: ['popularity', 'itemknn'], k: [5] });
    expect(report.results.map((r) => r.name)).toEqual(['popularity', 'itemknn']);
    expect(report.data.events).toBe(fixtureEvents().length + extra.length);
    expect(report.data.testUsers).toBeGreaterThan(0);
    for (const r of report.results) expect(r.metrics['recall@5']).toBeGreaterThanOrEqual(0);
  });

  it('reads the model registry, promotes a version and rolls back', async () => {
    await client.admin.train(); // a second version of every role
    const mains = await client.models.list('main');
    expect(mains.map((m) => m.version)).toEqual([2, 1]);
    const serving = mains.find((m) => m.state === 'serving')!;
    const other = mains.find((m) => m !== serving)!;
    expect((await client.admin.promote('main', other.version)).state).toBe('serving');
    expect((await client.models.get('main', serving.version)).state).toBe('retired');
    expect((await client.admin.rollback('main')).version).toBe(serving.version);
    expect((await client.models.get('main', serving.version)).state).toBe('serving');
    const none = await rejection(client.models.get('main', 99));
    expect(none.code).toBe('MODEL_NOT_FOUND');
  });

  it('throws the server error code as a MagpieApiError', async () => {
    const missing = await rejection(client.items.get('nope'));
    expect([missing.code, missing.status]).toEqual(['ITEM_NOT_FOUND', 404]);
    const bad = await rejection(client.recommend('user0', { n: 0 }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    const unknownAlgo = await rejection(client.admin.evaluate({ algorithms: ['nope'] }));
    expect(unknownAlgo.code).toBe('UNKNOWN_ALGORITHM');
    const down = await rejection(new MagpieClient({ baseUrl: 'http://127.0.0.1:9' }).health());
    expect(down.code).toBe('NETWORK_ERROR');
  });
});

describe('magpie/client with API keys', () => {
  const { keys, auth } = keysPerRole();
  let engine: Engine;
  let url: string;

  beforeAll(async () => {
    ({ engine, url } = await listening({ server: { auth } }));
  });
  afterAll(async () => engine.close());

  it('sends the key as a bearer token, and refusals carry UNAUTHORIZED or FORBIDDEN', async () => {
    expect(await new MagpieClient({ baseUrl: url }).authRequired()).toBe(true);
    expect((await rejection(new MagpieClient({ baseUrl: url }).status())).code).toBe('UNAUTHORIZED');
    let key: string | null = keys.read;
    const client = new MagpieClient({ baseUrl: url, apiKey: () => key });
    expect((await client.status()).counts.users).toBe(0);
    expect(await client.me()).toEqual({ auth: true, name: 'read-client', role: 'read' });
    const refused = await rejection(client.admin.inspect('anyone'));
    expect([refused.code, refused.status]).toEqual(['FORBIDDEN', 403]);
    key = keys.admin; // asked on every call: a login takes effect at once
    expect((await client.admin.inspect('anyone')).items).toEqual([]);
  });
});
