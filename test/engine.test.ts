import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { fixtureEvents, fixtureItems } from './helpers/engine.js';

let dir: string;
const engines: Engine[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-engine-'));
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fileEngine(extra: object = {}): Promise<Engine> {
  const engine = await createEngine({
    storage: { url: `sqlite:${join(dir, 'magpie.db')}` },
    server: { logLevel: 'silent', port: 0, host: '127.0.0.1' },
    ...extra,
  });
  engines.push(engine);
  await engine.records.upsertItems(fixtureItems());
  await engine.ingest.ingest(fixtureEvents());
  return engine;
}

describe('engine on an SQLite file', () => {
  it('trains in a worker thread and serves the result', async () => {
    const engine = await fileEngine({ training: { inWorker: true, intervalMinutes: 0 } });
    const summary = await engine.train();
    expect(summary.models.map((m) => m.name).sort()).toEqual(['main', 'popular', 'similar', 'trending']);
    expect(engine.models.versions()).toMatchObject({ main: 1, similar: 1, popular: 1, trending: 1 });
    const recs = await engine.recommend.recommend('user0', { n: 1 });
    expect(recs.items[0]!.id).toBe('s1');
  });

  it('trains a content role when the catalogue has content and skips it, saying why, when not', async () => {
    const withContent = await fileEngine({ training: { inWorker: false, intervalMinutes: 0, models: { content: { algorithm: 'content' } } } });
    const trained = await withContent.train();
    expect(trained.models.map((m) => m.name)).toContain('content');
    expect(trained.skipped).toEqual([]);
    const bare = await createEngine({
      storage: { url: 'memory:' },
      server: { logLevel: 'silent' },
      training: { inWorker: false, intervalMinutes: 0, models: { content: { algorithm: 'content' } } },
    });
    engines.push(bare);
    // Items created by events alone: ids, no titles, text, categories or tags.
    await bare.ingest.ingest(fixtureEvents().map((e) => ({ ...e, item: `x${e.item}` })));
    const summary = await bare.train();
    expect(summary.models.map((m) => m.name)).not.toContain('content');
    expect(summary.skipped!.map((x) => x.role)).toEqual(['content']);
    expect(summary.skipped![0]!.reason).toMatch(/content/);
  });

  it("drops a cached list within a second when another process applies the user's event", async () => {
    const a = await fileEngine({ training: { inWorker: false, intervalMinutes: 0 } });
    await a.train();
    await a.listen(); // starts the log watcher
    const b = await createEngine({ storage: { url: `sqlite:${join(dir, 'magpie.db')}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0 } });
    engines.push(b);
    const first = await a.recommend.recommend('user7', { n: 3 });
    const hits = a.recommend.cache.hits;
    expect((await a.recommend.recommend('user7', { n: 3 })).items).toEqual(first.items);
    expect(a.recommend.cache.hits).toBe(hits + 1); // served from A's cache
    const top = first.items[0]!.id;
    const t0 = Date.now();
    await b.ingest.ingest([{ user: 'user7', item: top, type: 'dislike' }]);
    let ids: string[] = [top];
    while (ids.includes(top) && Date.now() - t0 < 2000) {
      await new Promise((r) => setTimeout(r, 50));
      ids = (await a.recommend.recommend('user7', { n: 3 })).items.map((r) => r.id);
    }
    expect(ids).not.toContain(top);
    expect(Date.now() - t0).toBeLessThan(1000);
    // Every response, cached or not, was logged: CTR reads the impressions back from the file.
    const ctr = await (await a.server()).inject({ method: 'GET', url: '/api/stats/ctr?by=surface' });
    expect(ctr.json().rows[0]).toMatchObject({ key: 'home' });
    expect(ctr.json().rows[0].impressions).toBeGreaterThanOrEqual(9);
  });

  it('keeps its models and data across a restart', async () => {
    const first = await fileEngine({ training: { inWorker: false, intervalMinutes: 0 } });
    await first.train();
    await first.close();
    engines.splice(engines.indexOf(first), 1);
    const again = await createEngine({ storage: { url: `sqlite:${join(dir, 'magpie.db')}` }, training: { intervalMinutes: 0 } });
    engines.push(again);
    expect(again.models.versions().main).toBe(1);
    expect((await again.status()).counts.events).toBe(fixtureEvents().length);
    expect((await again.recommend.recommend('user0', { n: 1 })).items[0]!.id).toBe('s1');
  });

  it('retrains on schedule inside a listening server and swaps the model in', async () => {
    // 0.005 min = 300 ms between runs; the poller picks new versions up every 200 ms.
    const engine = await fileEngine({ training: { inWorker: true, intervalMinutes: 0.005 }, serving: { modelPollSeconds: 0.2 } });
    const { url } = await engine.listen();
    const deadline = Date.now() + 20_000;
    while ((engine.models.versions().main ?? 0) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(engine.models.versions().main).toBeGreaterThanOrEqual(2);
    const res = await fetch(`${url}/api/recommend/user0?n=1`);
    const body = (await res.json()) as { items: { id: string }[] };
    expect(body.items[0]!.id).toBe('s1');
  });

  it('refuses a second training run while one is in progress', async () => {
    const engine = await fileEngine({ training: { inWorker: true, intervalMinutes: 0 } });
    const first = engine.train();
    await expect(engine.train()).rejects.toMatchObject({ code: 'TRAINING_IN_PROGRESS' });
    await first;
  });

  it('reports a useful error when there is nothing to train on', async () => {
    const engine = await createEngine({ storage: { url: 'memory:' }, training: { intervalMinutes: 0 } });
    engines.push(engine);
    await expect(engine.train()).rejects.toMatchObject({ code: 'TRAINING_FAILED' });
    expect((await engine.status()).training.lastError).toMatch(/no positive feedback/);
  });
});
