import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { loadFixture, memoryEngine } from './helpers/engine.js';

/** The monitoring of issue #6: list latency per route and surface, training, gate outcomes, drift. */
let engine: Engine;
let app: FastifyInstance;
beforeAll(async () => {
  ({ engine, app } = await memoryEngine());
  await loadFixture(app);
  await engine.train();
});
afterAll(() => engine.close());

const metrics = async (): Promise<string> => (await app.inject({ method: 'GET', url: '/metrics' })).body;

describe('monitoring', () => {
  it('times list routes by route and surface', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/recommend/user1?surface=home' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/recommend/user1?surface=email' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/popular' })).statusCode).toBe(200);
    const text = await metrics();
    expect(text).toContain('magpie_list_duration_seconds_count{route="/api/recommend/:user",surface="home"} 1');
    expect(text).toContain('magpie_list_duration_seconds_count{route="/api/recommend/:user",surface="email"} 1');
    expect(text).toContain('magpie_list_duration_seconds_count{route="/api/popular",surface="none"} 1');
    // Routes that serve no list are not in it.
    expect(text).not.toMatch(/magpie_list_duration_seconds_count\{route="\/metrics"/);
  });

  it('records training duration and each model’s gate outcome', async () => {
    const text = await metrics();
    expect(text).toContain('magpie_training_duration_seconds_count 1');
    expect(text).toMatch(/magpie_training_duration_seconds_sum \d/);
    for (const role of ['main', 'similar', 'popular', 'trending']) {
      expect(text).toContain(`magpie_models_trained_total{role="${role}",outcome="promoted"} 1`);
    }
  });

  it('exposes the drift signal as gauges and in /api/status: 0 right after training', async () => {
    const text = await metrics();
    expect(text).toContain('magpie_drift_items_jsd 0');
    expect(text).toContain('magpie_drift_users_jsd 0');
    const status = (await app.inject({ method: 'GET', url: '/api/status' })).json();
    expect(status.drift).toMatchObject({ role: 'main', version: 1, items: 0, users: 0 });
    expect(status.drift.referenceEvents).toBeGreaterThan(100);
    expect(status.drift.recentEvents).toBe(status.drift.referenceEvents);
  });
});
