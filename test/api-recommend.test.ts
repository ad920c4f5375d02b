import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../src/index.js';
import { LOVE, SPACE, loadFixture, memoryEngine } from './helpers/engine.js';
import { recommendationOut } from '../src/server/format.js';

interface Rec {
  id: string;
  score: number;
  source: string;
  reason: string;
}

let engine: Engine;
let app: FastifyInstance;

async function recs(url: string): Promise<Rec[]> {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(typeof body.requestId).toBe('string');
  // Hot routes skip response validation (plainJson): the answer must already be the schema's shape.
  expect(recommendationOut.strict().parse(body)).toEqual(body);
  return body.items;
}

const ids = (list: Rec[]): string[] => list.map((r) => r.id);

describe('recommendations over HTTP (default pipeline)', () => {
  beforeAll(async () => {
    ({ engine, app } = await memoryEngine(process.env.MAIN_ALGO ? { training: { models: { main: { algorithm: process.env.MAIN_ALGO } } } } : {}));
    await loadFixture(app);
    const trained = await app.inject({ method: 'POST', url: '/api/admin/train' });
    expect(trained.statusCode, trained.body).toBe(200);
  });
  afterAll(async () => engine.close());

  it("ranks the one space film a space fan has not seen first, saying why", async () => {
    const list = await recs('/api/recommend/user0?n=5');
    expect(list[0]!.id).toBe('s1');
    expect(list[0]!.source).toBe('collaborative');
    expect(list[0]!.reason).toMatch(/^because you liked "Space Film \d"$/);
    for (const r of list) expect(['s2', 's3', 's4', 's5', 's6']).not.toContain(r.id); // seen
  });

  it('gives a user without history trending and popular items', async () => {
    const list = await recs('/api/recommend/stranger?n=4');
    expect(list).toHaveLength(4);
    for (const r of list) expect(['trending', 'popular']).toContain(r.source);
  });

  it('filters by category and by explicit excludes', async () => {
    const romance = await recs('/api/recommend/user0?n=4&category=romance');
    expect(romance.length).toBeGreaterThan(0);
    for (const r of romance) expect(LOVE).toContain(r.id);
    const excluded = await recs('/api/recommend/user0?n=10&exclude=s1,r1&exclude=r2');
    expect(ids(excluded)).not.toContain('s1');
    expect(ids(excluded)).not.toContain('r1');
    expect(ids(excluded)).not.toContain('r2');
  });

  it('pages without repeating: page 2 ∩ page 1 = ∅', async () => {
    const page1 = await recs('/api/recommend/user25?n=3&offset=0');
    const page2 = await recs('/api/recommend/user25?n=3&offset=3');
    const both = await recs('/api/recommend/user25?n=6');
    expect(ids(page1).filter((id) => ids(page2).includes(id))).toEqual([]);
    expect([...ids(page1), ...ids(page2)]).toEqual(ids(both));
  });

  it("reacts to a user's latest events at once: a new fan gets space films, a dislike never returns", async () => {
    await app.inject({
      method: 'POST',
      url: '/api/events',
      payload: [
        { user: 'newbie', item: 's1', type: 'like' },
        { user: 'newbie', item: 's2', type: 'like' },
      ],
    });
    const first = await recs('/api/recommend/newbie?n=4');
    expect(first.slice(0, 4).every((r) => SPACE.includes(r.id))).toBe(true);
    const top = first[0]!.id;
    await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'newbie', item: top, type: 'dislike' }] });
    const after = await recs('/api/recommend/newbie?n=12');
    expect(ids(after)).not.toContain(top);
  });

  it('never recommends a hidden item', async () => {
    await app.inject({ method: 'PATCH', url: '/api/items/s1', payload: { hidden: true } });
    expect(ids(await recs('/api/recommend/user0?n=12'))).not.toContain('s1');
    expect(ids(await recs('/api/popular?n=12'))).not.toContain('s1');
    await app.inject({ method: 'PATCH', url: '/api/items/s1', payload: { hidden: false } });
  });

  it('finds similar items of the same taste', async () => {
    const list = await recs('/api/items/s1/similar?n=3');
    expect(list).toHaveLength(3);
    for (const r of list) {
      expect(SPACE).toContain(r.id);
      expect(r.reason).toBe('similar to "Space Film 1"');
    }
  });

  it('serves popular and trending, with category filters', async () => {
    expect(await recs('/api/popular?n=5')).toHaveLength(5);
    const trending = await recs('/api/trending?n=3&category=sci-fi');
    expect(trending.length).toBeGreaterThan(0);
    for (const r of trending) expect(SPACE).toContain(r.id);
  });

  it('makes a new item reachable through latest before any model knows it', async () => {
    await app.inject({ method: 'POST', url: '/api/items', payload: { id: 'fresh', title: 'Brand New', categories: ['sci-fi'] } });
    const latest = await recs('/api/latest?n=3');
    expect(latest[0]).toMatchObject({ id: 'fresh', source: 'latest', reason: 'new in sci-fi' });
  });

  it('swaps in a newly trained model without a restart', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/status' })).json().models.main.version;
    const res = await app.inject({ method: 'POST', url: '/api/admin/train' });
    expect(res.statusCode).toBe(200);
    const status = (await app.inject({ method: 'GET', url: '/api/status' })).json();
    expect(status.models.main.version).toBe(before + 1);
    const models = (await app.inject({ method: 'GET', url: '/api/models?name=main' })).json().models;
    expect(models.map((m: { version: number; state: string }) => `v${m.version} ${m.state}`)).toEqual([`v${before + 1} serving`, `v${before} retired`]);
    // Same recipe retrained on the same data: the gate passes it.
    expect(models[0].gate).toMatchObject({ passed: true, metric: 'ndcg@20' });
    expect(models[0].metrics['recall@20']).toBeGreaterThan(0);
    expect(models[0].data.events).toBeGreaterThan(0);
  });

  it('exposes Prometheus metrics and the OpenAPI reference', async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('magpie_http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/magpie_model_version\{role="main"\} \d+/);
    expect(metrics.body).toContain('magpie_event_log_lag 0');
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/recommend/{user}', '/api/events', '/api/items/{id}/similar']));
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });
});
