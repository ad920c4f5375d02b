import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type EngineOptions } from '../src/index.js';
import { ManualClock } from '../src/core/index.js';
import { TRAINING_LEASE } from '../src/services/index.js';
import { PG_TEST_URL, dropSchema, postgresSkipReason, randomSchema } from '../src/adapters/postgres/testing/pg-test-env.js';
import { fixtureEvents, fixtureItems } from './helpers/engine.js';

// Processes sharing one store train one at a time (the store's training lease). Two engines in
// this process stand for two processes: each has its own connection and its own trainer id.

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

async function engineOn(url: string, opts: EngineOptions = {}): Promise<Engine> {
  const engine = await createEngine(
    { storage: { url }, server: { logLevel: 'silent' }, training: { inWorker: false, intervalMinutes: 0 } },
    opts,
  );
  engines.push(engine);
  return engine;
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Two engines on one store, the tiny fixture loaded through the first. */
async function twoEngines(url: string): Promise<[Engine, Engine]> {
  const a = await engineOn(url);
  await a.records.upsertItems(fixtureItems());
  await a.ingest.ingest(fixtureEvents());
  return [a, await engineOn(url)];
}

/** Both engines train at once: exactly one trains, the other is refused; then it can train. */
async function expectOneTrainerAtATime(a: Engine, b: Engine): Promise<void> {
  const results = await Promise.allSettled([a.train(), b.train()]);
  const trained = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(trained).toHaveLength(1);
  expect(refused).toHaveLength(1);
  expect(refused[0]!.reason).toMatchObject({ code: 'TRAINING_IN_PROGRESS', message: expect.stringMatching(/another process is training/) });
  expect(await a.stores.models.latestVersion('main')).toBe(1);
  // The winner released the lease: the one refused trains now.
  const loser = results[0]!.status === 'rejected' ? a : b;
  const summary = await loser.train();
  expect(summary.models.find((m) => m.name === 'main')?.version).toBe(2);
}

describe('one trainer at a time on a shared SQLite file', () => {
  let dir: string;
  let url: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'magpie-lease-'));
    url = `sqlite:${join(dir, 'magpie.db')}`;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('of two engines training at once, one trains and the other gets TRAINING_IN_PROGRESS', async () => {
    const [a, b] = await twoEngines(url);
    await expectOneTrainerAtATime(a, b);
  });

  it('POST /api/admin/train answers 409 while another process holds the lease, and trains once it is released', async () => {
    const [a, b] = await twoEngines(url);
    // Another process, mid-training: it holds the lease.
    expect(await a.stores.models.acquireLease(TRAINING_LEASE, 'elsewhere:1:x', 60_000)).toBe(true);
    const app = await b.server();
    const refused = await app.inject({ method: 'POST', url: '/api/admin/train' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'TRAINING_IN_PROGRESS', message: expect.stringMatching(/another process/) });
    // A refused run is not a failed one.
    expect((await b.status()).training).toMatchObject({ state: 'idle', lastRunAt: null, lastError: null });
    await a.stores.models.releaseLease(TRAINING_LEASE, 'elsewhere:1:x');
    const ok = await app.inject({ method: 'POST', url: '/api/admin/train' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await b.stores.models.latestVersion('main')).toBe(1);
  });

  it('a run that fails part-way leaves every model in service as it was and releases the lease', async () => {
    const [a] = await twoEngines(url);
    await a.train();
    const before = await a.stores.models.list();
    let failed = false;
    // Fails once the main role has trained in full and the similar role is training on everything.
    const c = await engineOn(url, {
      onTrainProgress: (p) => {
        if (!failed && p.stage.startsWith('similar: training')) {
          failed = true;
          throw new Error('trainer stopped mid-run');
        }
      },
    });
    await expect(c.train()).rejects.toThrow('trainer stopped mid-run');
    expect(failed).toBe(true);
    expect(await a.stores.models.list()).toEqual(before);
    expect(await a.stores.models.latestVersion('main')).toBe(1);
    expect(a.models.versions()).toMatchObject({ main: 1, similar: 1 });
    // Released on failure: another process can take the lease at once, and so can c.
    expect(await a.stores.models.acquireLease(TRAINING_LEASE, 'probe', 60_000)).toBe(true);
    await a.stores.models.releaseLease(TRAINING_LEASE, 'probe');
    expect((await c.train()).models.find((m) => m.name === 'main')?.version).toBe(2);
  });

  it('a scheduled run skips its turn while the models in service are younger than half an interval', async () => {
    const [a] = await twoEngines(url);
    await a.train();
    const trainedAt = (await a.stores.models.list('main'))[0]!.trainedAt;
    // Another server on the file, scheduled every 300 ms, whose clock says the models are 100 ms old.
    const clock = new ManualClock(trainedAt + 100);
    const logged: string[] = [];
    const b = await createEngine(
      {
        storage: { url },
        server: { logLevel: 'silent', port: 0, host: '127.0.0.1' },
        training: { inWorker: false, intervalMinutes: 0.005 },
        serving: { modelPollSeconds: 0.2 },
      },
      { clock, log: (_level, msg) => logged.push(msg) },
    );
    engines.push(b);
    await b.listen();
    await waitFor(() => logged.some((m) => m.startsWith('training skipped: the models in service were trained')));
    expect(await a.stores.models.latestVersion('main')).toBe(1);
    clock.advance(60_000); // now they are old: the next tick trains
    await waitFor(async () => (await a.stores.models.latestVersion('main')) === 2);
  });
});

const pgSkip = await postgresSkipReason();
const pgSchemas: string[] = [];
afterAll(async () => {
  if (pgSkip === undefined) await Promise.all(pgSchemas.map(dropSchema));
});

describe.skipIf(pgSkip !== undefined)(`one trainer at a time on a shared Postgres schema${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  it('of two engines training at once, one trains and the other gets TRAINING_IN_PROGRESS', async () => {
    const schema = randomSchema();
    pgSchemas.push(schema);
    const [a, b] = await twoEngines(`${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`);
    await expectOneTrainerAtATime(a, b);
  });
});
