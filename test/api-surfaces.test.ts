import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../src/index.js';
import { LOVE, SPACE, fixtureItems, loadFixture, memoryEngine } from './helpers/engine.js';

interface Rec {
  id: string;
  score: number;
  source: string;
  reason: string;
}

let engine: Engine;
let app: FastifyInstance;

async function get(url: string): Promise<{ requestId: string; surface?: string; items: Rec[] }> {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const ids = (list: Rec[]): string[] => list.map((r) => r.id);
const titles = new Map(fixtureItems().map((it) => [it.title, it.id]));

describe('serving surfaces over HTTP', () => {
  beforeAll(async () => {
    ({ engine, app } = await memoryEngine());
    await loadFixture(app);
    // The catalogue is two months old, so only items created by a test are fresh.
    const old = Date.now() - 60 * 86_400_000;
    const aged = await app.inject({ method: 'POST', url: '/api/items', payload: fixtureItems().map((it) => ({ ...it, createdAt: old })) });
    expect(aged.statusCode, aged.body).toBe(200);
    const trained = await app.inject({ method: 'POST', url: '/api/admin/train' });
    expect(trained.statusCode, trained.body).toBe(200);
  });
  afterAll(async () => engine.close());

  it('names the surface, a source and a reason that names a real history item', async () => {
    const body = await get('/api/recommend/user0?n=5');
    expect(body.surface).toBe('home');
    const personal = body.items.filter((r) => r.reason.startsWith('because you liked'));
    expect(personal.length).toBeGreaterThan(0);
    for (const r of personal) {
      const title = /^because you liked "(.+)"$/.exec(r.reason)![1]!;
      // user0 liked every space film but s1
      expect(SPACE.filter((id) => id !== 's1')).toContain(titles.get(title));
    }
  });

  it('applies ?filter= expressions and ?tags=, and refuses a bad expression with a coded 400', async () => {
    const romance = await get(`/api/recommend/user0?n=6&filter=${encodeURIComponent('"romance" in categories')}`);
    expect(romance.items.length).toBeGreaterThan(0);
    for (const r of romance.items) expect(LOVE).toContain(r.id);
    const none = await get('/api/recommend/user0?n=6&tags=no-such-tag');
    expect(none.items).toEqual([]);
    for (let attempt = 0; attempt < 2; attempt++) {
      // Compiled filters are memoised; a bad one is refused every time, never cached.
      const bad = await app.inject({ method: 'GET', url: `/api/recommend/user0?filter=${encodeURIComponent('price <')}` });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
    const again = await get(`/api/recommend/user0?n=6&filter=${encodeURIComponent('"romance" in categories')}`);
    expect(again.items.map((r) => r.id)).toEqual(romance.items.map((r) => r.id));
  });

  it('answers an unknown surface with 404 and a surface of the wrong kind with 400', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/api/recommend/user0?surface=nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('SURFACE_NOT_FOUND');
    const wrong = await app.inject({ method: 'GET', url: '/api/recommend/user0?surface=item' });
    expect(wrong.statusCode).toBe(400);
  });

  it('re-ranks a caller list for the user: their taste first, unknown items last in given order, hidden ones out', async () => {
    await app.inject({ method: 'PATCH', url: '/api/items/r3', payload: { hidden: true } });
    const res = await app.inject({ method: 'POST', url: '/api/rerank', payload: { user: 'user0', items: ['r1', 'zz-unknown', 's1', 'r3', 'r2'] } });
    expect(res.statusCode, res.body).toBe(200);
    const list: Rec[] = res.json().items;
    expect(list[0]!.id).toBe('s1');
    expect(ids(list)).not.toContain('r3');
    expect(ids(list)).not.toContain('zz-unknown'); // not in the catalogue: never served
    await app.inject({ method: 'PATCH', url: '/api/items/r3', payload: { hidden: false } });
  });

  it('serves a repeat from the cache and drops it when the user acts', async () => {
    const before = engine.recommend.cache.hits;
    const first = await get('/api/recommend/user7?n=4');
    const again = await get('/api/recommend/user7?n=4');
    expect(engine.recommend.cache.hits).toBe(before + 1);
    expect(ids(again.items)).toEqual(ids(first.items));
    expect(again.requestId).not.toBe(first.requestId);
    const top = first.items[0]!.id;
    const t0 = Date.now();
    await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'user7', item: top, type: 'dislike' }] });
    const after = await get('/api/recommend/user7?n=4');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(ids(after.items)).not.toContain(top);
  });

  it('makes a new item recommendable to a matching user within a second', async () => {
    const t0 = Date.now();
    const created = await app.inject({ method: 'POST', url: '/api/items', payload: { id: 'nova', title: 'Nova', categories: ['sci-fi'] } });
    expect(created.statusCode).toBe(200);
    const fan = await get('/api/recommend/user3?n=5');
    expect(Date.now() - t0).toBeLessThan(1000);
    const nova = fan.items.find((r) => r.id === 'nova');
    expect(nova, JSON.stringify(fan.items)).toMatchObject({ source: 'fresh', reason: 'new in sci-fi' });
  });

  it('gives a cold user with onboarding categories items of those categories', async () => {
    const put = await app.inject({ method: 'POST', url: '/api/users', payload: { id: 'coldie', attributes: { preferences: { categories: ['romance'] } } } });
    expect(put.statusCode, put.body).toBe(200);
    const list = (await get('/api/recommend/coldie?n=4')).items;
    expect(list).toHaveLength(4);
    for (const r of list) expect(LOVE).toContain(r.id);
  });

  it('logs impressions and attributes a click by request id to CTR per surface and source', async () => {
    const served = await get('/api/recommend/user30?n=3');
    const clicked = served.items[0]!;
    const ev = await app.inject({
      method: 'POST',
      url: '/api/events',
      payload: [{ user: 'user30', item: clicked.id, type: 'click', context: { requestId: served.requestId } }],
    });
    expect(ev.statusCode).toBe(200);
    const bySurface = (await app.inject({ method: 'GET', url: '/api/stats/ctr?by=surface' })).json();
    const home = bySurface.rows.find((r: { key: string }) => r.key === 'home');
    expect(home.impressions).toBeGreaterThanOrEqual(3);
    expect(home.clicks).toBeGreaterThanOrEqual(1);
    const bySource = (await app.inject({ method: 'GET', url: '/api/stats/ctr?by=source&surface=home' })).json();
    expect(bySource.rows.find((r: { key: string }) => r.key === clicked.source).clicks).toBeGreaterThanOrEqual(1);
  });

  it('logs a list served again from the cache as a repeat that carries the first list\'s features', async () => {
    const first = await get('/api/recommend/user31?n=4');
    const again = await get('/api/recommend/user31?n=4');
    expect(again.requestId).not.toBe(first.requestId);
    expect(ids(again.items)).toEqual(ids(first.items));
    await app.inject({ method: 'GET', url: '/api/stats/ctr' }); // flushes the impression log
    const rows = new Map<string, { item: string; features?: number[] | undefined }[]>();
    for await (const batch of engine.stores.impressions.scanLabelled({ batchSize: 100 })) {
      for (const r of batch) rows.set(r.requestId, [...(rows.get(r.requestId) ?? []), r]);
    }
    const logged = rows.get(first.requestId)!;
    expect(logged.map((r) => r.item)).toEqual(ids(first.items));
    expect(logged[0]!.features?.length).toBeGreaterThan(0);
    expect(rows.get(again.requestId)).toEqual(logged.map((r) => expect.objectContaining({ item: r.item, features: r.features })));
  });
});
