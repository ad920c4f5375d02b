import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine, type MagpieConfigInput } from '../../src/index.js';
import { deepMerge } from '../../src/config/index.js';

/** An in-memory engine that trains on the calling thread: fast, isolated, nothing on disk. */
export async function memoryEngine(overrides: MagpieConfigInput = {}): Promise<{ engine: Engine; app: FastifyInstance }> {
  const config = deepMerge(
    { storage: { url: 'memory:' }, server: { logLevel: 'silent' }, training: { inWorker: false, intervalMinutes: 0 } },
    overrides,
  ) as MagpieConfigInput;
  const engine = await createEngine(config);
  return { engine, app: await engine.server() };
}

/** Two tastes that any collaborative model separates: space films and love stories. */
export const SPACE = ['s1', 's2', 's3', 's4', 's5', 's6'];
export const LOVE = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

export function fixtureItems(): { id: string; title: string; categories: string[] }[] {
  return [
    ...SPACE.map((id, i) => ({ id, title: `Space Film ${i + 1}`, categories: ['sci-fi'] })),
    ...LOVE.map((id, i) => ({ id, title: `Love Story ${i + 1}`, categories: ['romance'] })),
  ];
}

/**
 * 40 users: the first 20 like most space films, the rest most love stories; each leaves out a
 * different film of their taste, so a model has something to recommend.
 */
export function fixtureEvents(t0 = Date.UTC(2026, 0, 1)): { id: string; user: string; item: string; type: string; timestamp: number }[] {
  const events = [];
  let n = 0;
  for (let u = 0; u < 40; u++) {
    const taste = u < 20 ? SPACE : LOVE;
    for (let k = 0; k < taste.length; k++) {
      if (k === u % taste.length) continue;
      events.push({ id: `e${n}`, user: `user${u}`, item: taste[k]!, type: 'like', timestamp: t0 + n * 60_000 });
      n++;
    }
  }
  return events;
}

export async function loadFixture(app: FastifyInstance): Promise<void> {
  const items = await app.inject({ method: 'POST', url: '/api/items', payload: fixtureItems() });
  if (items.statusCode !== 200) throw new Error(`items: ${items.body}`);
  const events = await app.inject({ method: 'POST', url: '/api/events', payload: fixtureEvents() });
  if (events.statusCode !== 200) throw new Error(`events: ${events.body}`);
}
