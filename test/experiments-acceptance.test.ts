import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type MagpieConfigInput } from '../src/index.js';
import { getAlgorithm, type Model } from '../src/algorithms/index.js';
import { MagpieError, Rng } from '../src/core/index.js';
import type { ServingModel } from '../src/pipeline/index.js';
import { simulateWorld, type SimulatedWorld } from './helpers/simulated-users.js';

/**
 * Issue #6 acceptance: a simulated population with known preferences, served through two engine
 * processes' worth of services on one SQLite file. A personalised variant must beat popularity
 * with significance in the report, and a deliberately broken canary must be stopped by itself.
 */

const DAY = 86_400_000;
let dir: string;
let world: SimulatedWorld;
const engines: Engine[] = [];
let a: Engine;

/** How the next pinned model is broken: its scoring throws (a corrupt model), or takes 40 ms more. */
let breakage: 'throws' | 'slow' = 'throws';

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Loads a pinned model as stored, then breaks it as `breakage` says. */
function brokenModelLoader(engine: () => Engine) {
  return async (role: string, version: number): Promise<ServingModel> => {
    const stored = await engine().stores.models.get(role, version);
    if (!stored) throw new MagpieError('MODEL_NOT_FOUND', `no model ${role} v${version}`);
    const real = getAlgorithm(stored.meta.algorithm).deserialize(stored.blob);
    const broken: Model = {
      algorithm: real.algorithm,
      params: real.params,
      items: real.items,
      scoreUser: breakage === 'throws'
        ? () => {
            throw new Error('deliberately broken model');
          }
        : (query, out) => {
            real.scoreUser(query, out);
            busyWait(40);
          },
      serialize: () => real.serialize(),
    };
    return { model: broken, meta: stored.meta };
  };
}

async function openEngine(): Promise<Engine> {
  const config: MagpieConfigInput = {
    storage: { url: `sqlite:${join(dir, 'magpie.db')}` },
    server: { logLevel: 'silent' },
    training: { inWorker: false, intervalMinutes: 0 },
    experiments: { pollSeconds: 3600 }, // synced by hand below
  };
  let self: Engine | undefined;
  const engine = await createEngine(config, { loadExperimentModel: brokenModelLoader(() => self!) });
  self = engine;
  engines.push(engine);
  return engine;
}

/** Every user asks for a page of home once; clicks (and some purchases) follow the true preferences. */
async function session(engine: Engine, users: readonly string[], rng: Rng, round: number): Promise<Map<string, string | undefined>> {
  const variants = new Map<string, string | undefined>();
  const events = [];
  for (const user of users) {
    const res = await engine.recommend.recommend(user, { n: 10 });
    variants.set(user, res.variant);
    for (const item of res.items) {
      if (rng.next() >= world.clickProbability(user, item.id)) continue;
      const context = { requestId: res.requestId };
      events.push({ id: `r${round}-${user}-${item.id}`, user, item: item.id, type: 'click', timestamp: Date.now(), context });
      if (rng.next() < 0.3) events.push({ id: `p${round}-${user}-${item.id}`, user, item: item.id, type: 'purchase', timestamp: Date.now(), context });
    }
  }
  for (let i = 0; i < events.length; i += 5000) await engine.ingest.ingest(events.slice(i, i + 5000));
  return variants;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-experiments-'));
  world = simulateWorld({ users: 300, itemsPerGenre: 25, eventsPerUser: 14, seed: 11, t0: Date.now() - 20 * DAY });
  a = await openEngine();
  await a.records.upsertItems(world.items);
  for (let i = 0; i < world.history.length; i += 5000) await a.ingest.ingest(world.history.slice(i, i + 5000));
  await a.train();
}, 60_000);

afterAll(async () => {
  for (const e of engines.splice(0)) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('experiments on a simulated population (issue #6 acceptance)', () => {
  it('a personalised pipeline beats popularity with significance in the report', async () => {
    const app = await a.server();
    const created = await app.inject({
      method: 'POST',
      url: '/api/admin/experiments',
      payload: {
        id: 'ranking',
        name: 'popularity against the default pipeline',
        surface: 'home',
        control: 'popular',
        variants: [
          {
            name: 'popular',
            share: 0.5,
            surface: { sources: [{ type: 'ranked', name: 'popular', role: 'popular', limit: 100 }], ranker: { weights: { popular: 1 } } },
          },
          { name: 'personal', share: 0.5 },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json().experiment).toMatchObject({ id: 'ranking', status: 'draft', salt: 'ranking' });
    expect((await app.inject({ method: 'POST', url: '/api/admin/experiments/ranking/start' })).json().experiment.status).toBe('running');

    const over = await app.inject({ method: 'GET', url: '/api/recommend/u1?n=10' });
    expect(over.json().variant).toMatch(/^(popular|personal)$/);
    expect(over.json().experiment).toBe('ranking');

    const rng = new Rng(5);
    const assigned = new Map<string, string | undefined>();
    for (let round = 0; round < 2; round++) {
      for (const [user, variant] of await session(a, world.users, rng, round)) {
        // Stable bucketing: every response of a user names the same variant.
        if (assigned.has(user)) expect(variant).toBe(assigned.get(user));
        assigned.set(user, variant);
      }
    }

    const res = await app.inject({ method: 'GET', url: '/api/experiments/ranking/report' });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json().report;
    const popular = report.variants.find((v: { name: string }) => v.name === 'popular');
    const personal = report.variants.find((v: { name: string }) => v.name === 'personal');
    const exposed = [...assigned.values()].filter((v) => v === 'personal').length;
    expect(personal.exposedUsers).toBe(exposed);
    expect(popular.exposedUsers + personal.exposedUsers).toBe(world.users.length);
    expect(personal.exposedUsers).toBeGreaterThan(120);
    expect(popular.exposedUsers).toBeGreaterThan(120);
    expect(personal.impressions).toBeGreaterThan(personal.exposedUsers * 10 * 1.5);
    expect(popular.vsControl).toBeNull();
    expect(personal.ctr).toBeGreaterThan(popular.ctr);
    expect(personal.ctrInterval.low).toBeLessThan(personal.ctr);
    expect(personal.ctrInterval.high).toBeGreaterThan(personal.ctr);
    expect(personal.vsControl).toMatchObject({ significant: true });
    expect(personal.vsControl.pValue).toBeLessThan(0.05);
    expect(personal.vsControl.difference).toBeCloseTo(personal.ctr - popular.ctr, 10);
    expect(personal.engagementVsControl).toMatchObject({ significant: true });
    expect(personal.clicksPerUser).toBeGreaterThan(popular.clicksPerUser);
    expect(personal.conversions).toBeGreaterThan(0);
    expect(personal.health.requests).toBeGreaterThan(0);
    expect(personal.health.errors).toBe(0);
    console.log(
      `[acceptance] CTR popular ${popular.ctr.toFixed(4)} (${popular.impressions} impressions, ${popular.exposedUsers} users), ` +
        `personal ${personal.ctr.toFixed(4)} (${personal.impressions}, ${personal.exposedUsers}); z = ${personal.vsControl.z.toFixed(2)}, ` +
        `p = ${personal.vsControl.pValue.toExponential(2)}; clicks/user ${popular.clicksPerUser.toFixed(2)} vs ${personal.clicksPerUser.toFixed(2)}`,
    );

    // Impressions record the variant, so CTR by variant tells the two apart as well.
    const ctr = (await app.inject({ method: 'GET', url: '/api/stats/ctr?by=variant' })).json().rows;
    expect(ctr.map((r: { key: string }) => r.key).sort()).toEqual(['ranking:personal', 'ranking:popular']);
    const stop = await app.inject({ method: 'POST', url: '/api/admin/experiments/ranking/stop' });
    expect(stop.statusCode, stop.body).toBe(200);
    expect(stop.json().experiment.status).toBe('stopped');
    expect((await a.recommend.recommend('u1', { n: 5 })).variant).toBeUndefined();
  }, 60_000);

  it('stops a broken canary automatically, and every process stops serving it', async () => {
    const b = await openEngine(); // a second server on the same file
    const main = a.models.get('main')!.meta.version;
    const experiment = await a.experiments.create({
      id: 'canary',
      name: 'new main model, canary',
      surface: 'home',
      control: 'stable',
      variants: [
        { name: 'stable', share: 0.8 },
        { name: 'candidate', share: 0.2, mode: 'canary', model: { role: 'main', version: main } },
      ],
      canary: { minRequests: 30, maxErrorRateDelta: 0.05, maxLatencyRatio: 3 },
    });
    expect(experiment.canary).toEqual({ minRequests: 30, maxErrorRateDelta: 0.05, maxLatencyRatio: 3 });
    await a.experiments.start('canary');
    await b.experiments.sync();

    // Users of the candidate get the stable list (the variant failed), never an error.
    const rng = new Rng(9);
    const half = world.users.length / 2;
    const fromA = await session(a, world.users.slice(0, half), rng, 10);
    const fromB = await session(b, world.users.slice(half), rng, 10);
    expect(new Set([...fromA.values(), ...fromB.values()])).toEqual(new Set(['stable']));

    await b.experiments.flush(); // b's health counts reach the store
    await a.experiments.sync(); // a judges the canary on both processes' requests
    const stopped = await a.experiments.get('canary');
    expect(stopped.status).toBe('stopped');
    expect(stopped.stopReason).toMatch(/canary "candidate" stopped: error rate 100\.00 %/);
    const report = await a.experiments.report('canary');
    const candidate = report.variants.find((v) => v.name === 'candidate')!;
    expect(candidate.health.requests).toBeGreaterThanOrEqual(30);
    expect(candidate.health.errors).toBe(candidate.health.requests);
    expect(report.variants.find((v) => v.name === 'stable')!.health.errors).toBe(0);

    // b learns of the stop from the store on its next sync, and serves without the experiment.
    expect((await b.recommend.recommend(world.users[half]!, { n: 5, offset: 1 })).variant).toBe('stable');
    await b.experiments.sync();
    expect((await b.recommend.recommend(world.users[half]!, { n: 5, offset: 1 })).variant).toBeUndefined();
  }, 60_000);

  it('stops a canary whose lists are much slower than the control', async () => {
    breakage = 'slow';
    const main = a.models.get('main')!.meta.version;
    await a.experiments.create({
      id: 'slow-canary',
      name: 'a slow model, canary',
      surface: 'home',
      control: 'stable',
      variants: [
        { name: 'stable', share: 0.75 },
        { name: 'slow', share: 0.25, mode: 'canary', model: { role: 'main', version: main } },
      ],
      canary: { minRequests: 20, maxErrorRateDelta: 0.05, maxLatencyRatio: 2 },
    });
    await a.experiments.start('slow-canary');
    const served = await session(a, world.users.slice(0, 160), new Rng(3), 20);
    // Slow is not broken: its users got its lists.
    expect(new Set(served.values())).toEqual(new Set(['stable', 'slow']));
    await a.experiments.sync();
    const stopped = await a.experiments.get('slow-canary');
    expect(stopped.status).toBe('stopped');
    expect(stopped.stopReason).toMatch(/canary "slow" stopped: p95 latency \d+\.\d\d ms against the control's \d+\.\d\d ms/);
    const health = (await a.experiments.report('slow-canary')).variants.find((v) => v.name === 'slow')!.health;
    expect(health.errors).toBe(0);
    expect(health.p95Ms).toBeGreaterThan(40);
  }, 60_000);
});
