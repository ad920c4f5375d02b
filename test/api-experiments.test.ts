import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { LOVE, loadFixture, memoryEngine, SPACE } from './helpers/engine.js';

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  ({ engine, app } = await memoryEngine());
  await loadFixture(app);
  await engine.train();
});
afterAll(async () => {
  await engine.close();
});

const POPULAR_ONLY = { sources: [{ type: 'ranked', name: 'popular', role: 'popular', limit: 50 }], ranker: { weights: { popular: 1 } } };

function definition(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: `test ${id}`,
    surface: 'home',
    control: 'a',
    variants: [
      { name: 'a', share: 0.5 },
      { name: 'b', share: 0.5, surface: POPULAR_ONLY },
    ],
    ...overrides,
  };
}

async function post(url: string, payload?: object) {
  return payload === undefined ? await app.inject({ method: 'POST', url }) : await app.inject({ method: 'POST', url, payload });
}
const get = (url: string) => app.inject({ method: 'GET', url });

describe('experiments API', () => {
  it('refuses definitions that cannot serve, saying why', async () => {
    const cases: [object, RegExp][] = [
      [definition('x1', { variants: [{ name: 'a', share: 0.5 }, { name: 'b', share: 0.4 }] }), /shares sum to 0.9/],
      [definition('x2', { control: 'zzz' }), /"zzz" is not one of the variants/],
      [definition('x3', { variants: [{ name: 'a', share: 0.5, mode: 'shadow' }, { name: 'b', share: 0.5 }] }), /control must be live/],
      [definition('x4', { surface: 'nowhere' }), /no surface "nowhere"/],
      [definition('x5', { variants: [{ name: 'a', share: 0.5 }, { name: 'b', share: 0.5, surface: { sources: [{ type: 'nope' }] } }] }), /variant "b": surface/],
      [definition('x6', { variants: [{ name: 'a', share: 0.5 }, { name: 'b', share: 0.5, surface: { anchor: 'item' } }] }), /cannot change that/],
      [definition('x7', { variants: [{ name: 'a', share: 0.5 }, { name: 'b', share: 0.5, model: { role: 'main', version: 99 } }] }), /no model main v99/],
      [definition('x8', { variants: [{ name: 'a', share: 0.5 }, { name: 'a', share: 0.5 }] }), /named twice/],
      [{ ...definition('x9'), extra: 1 }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/api/admin/experiments', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.message).toMatch(message);
    }
    expect((await get('/api/experiments')).json().experiments).toEqual([]);
  });

  it('answers 404 for an unknown experiment and 409 for a change its state forbids', async () => {
    for (const res of [await get('/api/experiments/nope'), await get('/api/experiments/nope/report'), await post('/api/admin/experiments/nope/start')]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('EXPERIMENT_NOT_FOUND');
    }
    expect((await post('/api/admin/experiments', definition('first'))).statusCode).toBe(200);
    expect((await post('/api/admin/experiments', definition('first'))).json().error.code).toBe('EXPERIMENT_CONFLICT');
    expect((await post('/api/admin/experiments', definition('second'))).statusCode).toBe(200);
    expect((await post('/api/admin/experiments/first/start')).statusCode).toBe(200);
    const busy = await post('/api/admin/experiments/second/start');
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/another experiment is running on surface "home"/);
    expect((await post('/api/admin/experiments/first/start')).statusCode).toBe(409);
    const stopped = await post('/api/admin/experiments/first/stop', { reason: 'enough' });
    expect(stopped.json().experiment).toMatchObject({ status: 'stopped', stopReason: 'enough' });
    expect(stopped.json().experiment.stoppedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    await post('/api/admin/experiments/second/stop');
    const listed = (await get('/api/experiments')).json().experiments.map((e: { id: string; status: string }) => [e.id, e.status]);
    expect(listed).toEqual(expect.arrayContaining([['first', 'stopped'], ['second', 'stopped']]));
  });

  it('keys cached lists on the variant, and counts exposures for Prometheus', async () => {
    await post('/api/admin/experiments', definition('cache', { variants: [{ name: 'a', share: 0 }, { name: 'b', share: 1, surface: POPULAR_ONLY }] }));
    await post('/api/admin/experiments/cache/start');
    const user = 'user3';
    const hits = engine.recommend.cache.hits;
    const first = (await get(`/api/recommend/${user}?n=3`)).json();
    const again = (await get(`/api/recommend/${user}?n=3`)).json();
    expect(first.variant).toBe('b');
    expect(first.experiment).toBe('cache');
    expect(again).toMatchObject({ variant: 'b', items: first.items });
    expect(engine.recommend.cache.hits).toBe(hits + 1);
    expect(first.items.every((i: { source: string }) => i.source === 'popular')).toBe(true);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain('magpie_experiment_exposures_total{experiment="cache",variant="b"} 2');

    await post('/api/admin/experiments/cache/stop');
    const after = (await get(`/api/recommend/${user}?n=3`)).json();
    // Not the variant's cached list: recomputed by the surface as configured.
    expect(after.variant).toBeUndefined();
    expect(engine.recommend.cache.hits).toBe(hits + 1);
    expect(after.items.some((i: { source: string }) => i.source !== 'popular')).toBe(true);
  });

  it('logs a shadow variant without showing it, and reports its overlap and the outcomes on its items', async () => {
    const body = definition('shadow', {
      variants: [
        { name: 'a', share: 0 },
        { name: 'pop', share: 1, mode: 'shadow', surface: POPULAR_ONLY },
      ],
    });
    expect((await post('/api/admin/experiments', body)).statusCode).toBe(200);
    await post('/api/admin/experiments/shadow/start');
    const shown = new Map<string, string[]>();
    for (const user of ['user1', 'user2', 'user25']) {
      const res = (await get(`/api/recommend/${user}?n=4`)).json();
      expect(res.variant).toBe('a'); // the control is shown
      shown.set(user, res.items.map((i: { id: string }) => i.id));
    }
    await new Promise((resolve) => setImmediate(resolve)); // shadow lists are computed after the response
    // One positive event on an item of user1's taste they were not shown, one on a shown item.
    const taste = [...SPACE, ...LOVE];
    const notShown = taste.find((id) => !shown.get('user1')!.includes(id))!;
    await post('/api/events', [
      { id: 'sh1', user: 'user1', item: shown.get('user1')![0]!, type: 'click' },
      { id: 'sh2', user: 'user1', item: notShown, type: 'like' },
    ]);
    const report = (await get('/api/experiments/shadow/report')).json().report;
    const pop = report.variants.find((v: { name: string }) => v.name === 'pop');
    expect(pop.exposedUsers).toBe(0);
    expect(pop.vsControl).toBeNull();
    expect(pop.shadow).toMatchObject({ lists: 3, users: 3, positives: 2, positivesOnShownItems: 1 });
    expect(pop.shadow.meanOverlap).toBeGreaterThanOrEqual(0);
    expect(pop.shadow.meanOverlap).toBeLessThanOrEqual(1);
    expect(pop.health.requests).toBe(3);
    expect(report.variants.find((v: { name: string }) => v.name === 'a').exposedUsers).toBe(3);
    expect(report.notes.join(' ')).toMatch(/shadow variant are shown the control/);
    await post('/api/admin/experiments/shadow/stop');
  });
});
