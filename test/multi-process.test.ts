// Issue #5: two API server processes and one trainer on Postgres + Redis + NATS JetStream. They
// must agree: every event visible to both, a model trained by the trainer swapped in by both with
// no request failing meanwhile, the same list for the same user, cached lists retired in every
// process by feedback sent to any one, and a trainer killed mid-run changing no model in service.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropNatsEventLog } from '../src/adapters/nats/index.js';
import { natsSkipReason } from '../src/adapters/nats/testing/nats-server.js';
import { PG_TEST_URL, dropSchema, postgresSkipReason, randomSchema } from '../src/adapters/postgres/testing/pg-test-env.js';
import { deleteKeysWithPrefix, redisSkipReason } from '../src/adapters/redis/testing/redis.js';
import { clusteredData, http, LoadLoop, postAll, waitUntil } from './helpers/cluster.js';
import { startServe, stopServe, type ServeProcess } from './helpers/serve-process.js';

const NATS_URL = process.env['MAGPIE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['MAGPIE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const skip = (await postgresSkipReason()) ?? (await redisSkipReason(REDIS_URL)) ?? (await natsSkipReason(NATS_URL));

const tag = `${process.pid}_${Date.now()}`;
const schema = randomSchema('magpie_cluster');
const stream = `magpie_cluster_${tag}`;
const prefix = `magpie_cluster_${tag}:`;
const dir = mkdtempSync(join(tmpdir(), 'magpie-cluster-'));
const processes: ServeProcess[] = [];

afterAll(async () => {
  await Promise.all(processes.map((p) => stopServe(p, 5_000)));
  if (!skip) {
    await dropSchema(schema);
    await dropNatsEventLog(NATS_URL, { stream });
    await deleteKeysWithPrefix(REDIS_URL, prefix);
  }
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** One config for every process; a second trainer's adds a slow role, so its run can be killed mid-way. */
function configFile(name: string, extraModels: Record<string, unknown> = {}, inWorker = true): string {
  const file = join(dir, `${name}.json`);
  const config = {
    storage: { eventLog: NATS_URL, eventLogStream: stream, cache: REDIS_URL, cacheKeyPrefix: prefix },
    server: { logLevel: 'warn' },
    serving: { modelPollSeconds: 0.2 },
    // Small models: the test is about processes agreeing, not about model quality.
    training: { inWorker, intervalMinutes: 0, holdoutFraction: 0, models: { main: { algorithm: 'ials', params: { factors: 16, epochs: 4 } }, ...extraModels } },
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const versionOf = async (base: string): Promise<number | undefined> => (await http(base, 'GET', '/api/status')).body.models?.main?.version;
const listOf = async (base: string, path: string): Promise<string[]> => {
  const r = await http(base, 'GET', path);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.items as { id: string }[]).map((i) => i.id);
};

describe.skipIf(skip !== undefined)(`two API servers and a trainer on Postgres + Redis + NATS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('agree on events, models and lists; swap models under load without a failed request; survive a trainer killed mid-run', async () => {
    const storage = `${PG_TEST_URL}?schema=${schema}`;
    // The trainer first (it migrates the schema and creates the stream), then the API servers and
    // a second trainer, to be killed later, whose runs end with a slow role.
    const config = configFile('common');
    // This trainer trains on its main thread: a worker thread would load the engine's modules
    // again for every run, seconds on a busy machine. The doomed one needs its thread free to
    // answer /api/status while it trains.
    const trainer = await startServe(storage, ['--role', 'trainer', '--config', configFile('trainer', {}, false)]);
    processes.push(trainer);
    const slowRole = { heavy: { algorithm: 'ials', params: { factors: 512, epochs: 100 } } };
    const [a, b, doomed] = await Promise.all([
      startServe(storage, ['--role', 'api', '--config', config]),
      startServe(storage, ['--role', 'api', '--config', config]),
      startServe(storage, ['--role', 'trainer', '--config', configFile('slow', slowRole)]),
    ]);
    processes.push(a, b, doomed);
    const A = a.url;
    const B = b.url;
    const T = trainer.url;

    // Events ingested half through each server are visible to both.
    const { items, events } = clusteredData({ users: 300, items: 600, groups: 6, perUser: 6 });
    await postAll(A, '/api/items', items);
    await Promise.all([postAll(A, '/api/events', events.slice(0, 900)), postAll(B, '/api/events', events.slice(900))]);
    for (const base of [A, B]) expect((await http(base, 'GET', '/api/status')).body.counts).toMatchObject({ items: 600, events: 1800 });
    const historyA = await http(A, 'GET', '/api/users/u299/events?limit=100');
    const historyB = await http(B, 'GET', '/api/users/u299/events?limit=100');
    expect(historyA.body.items).toHaveLength(6); // sent through B
    expect(historyB.body).toEqual(historyA.body);

    // API servers do not train.
    const refused = await http(A, 'POST', '/api/admin/train');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TRAINING_DISABLED');

    // Requests to both servers all along the two trainings and swaps that follow.
    const load = new LoadLoop((c, n) => ({ base: (c + n) % 2 === 0 ? A : B, path: `/api/recommend/u${(c * 31 + n) % 200}?surface=${n % 3 === 0 ? 'email' : 'home'}` }));
    for (const expected of [1, 2]) {
      const trained = await http(T, 'POST', '/api/admin/train');
      expect(trained.status, JSON.stringify(trained.body)).toBe(200);
      expect(trained.body.models.find((m: { name: string }) => m.name === 'main').version).toBe(expected);
      await waitUntil(`both servers serve main v${expected}`, async () => (await versionOf(A)) === expected && (await versionOf(B)) === expected);
      await new Promise((resolve) => setTimeout(resolve, 300)); // requests on the new model too
    }
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(load.ok).toBeGreaterThan(20);

    // The same list for the same user: `email` is not cached, so each server computes its own.
    for (const user of ['u0', 'u1', 'u17', 'u123', 'u299']) {
      const fromA = await listOf(A, `/api/recommend/${user}?surface=email&n=10`);
      expect(fromA).toHaveLength(10);
      expect(await listOf(B, `/api/recommend/${user}?surface=email&n=10`)).toEqual(fromA);
    }

    // A cached list is retired everywhere by feedback sent to either server: u250 (whom the load
    // above never asked for) gets a list from A, cached there and in Redis, and B is handed the
    // same; u250 then dislikes its top item through B, and neither server may serve that list again.
    const before = await listOf(A, '/api/recommend/u250?n=10');
    expect(await listOf(B, '/api/recommend/u250?n=10')).toEqual(before); // from the shared cache
    const disliked = before[0]!;
    expect((await http(B, 'POST', '/api/events', [{ user: 'u250', item: disliked, type: 'dislike' }])).status).toBe(200);
    expect(await listOf(B, '/api/recommend/u250?n=10')).not.toContain(disliked);
    await waitUntil('A drops its cached list', async () => !(await listOf(A, '/api/recommend/u250?n=10')).includes(disliked), 3_000);

    // A trainer killed in the middle of a run: nothing it trained is saved or served.
    const modelsBefore = (await http(A, 'GET', '/api/models')).body.items;
    const serving = new LoadLoop((c, n) => ({ base: (c + n) % 2 === 0 ? A : B, path: `/api/recommend/u${(c * 17 + n) % 200}` }), 2);
    const run = http(doomed.url, 'POST', '/api/admin/train').catch((err: unknown) => err);
    await waitUntil('the trainer is training', async () => (await http(doomed.url, 'GET', '/api/status')).body.training.state === 'running', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 400)); // into the run; the slow role takes many seconds
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    expect(await run).toBeInstanceOf(Error); // the connection died with the process
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few model polls
    await serving.stop();
    expect(serving.failures).toEqual([]);
    expect((await http(A, 'GET', '/api/models')).body.items).toEqual(modelsBefore);
    expect([await versionOf(A), await versionOf(B)]).toEqual([2, 2]);
  }, 240_000);
});
