import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEngine, createEngineFromEnv, type Engine, type MagpieConfigInput } from '../src/index.js';
import { buildProgram } from '../src/cli/index.js';
import { createApiKey } from '../src/config/index.js';

/**
 * Acceptance for the registry and the gate (issue #6): on data with structure, a worse model
 * (popularity in place of item-kNN) is refused by the gate and stays a candidate with the reason;
 * `magpie models rollback` restores the previous model in one command and a running server swaps
 * to it.
 */

/** Three taste groups of 40 items; each user likes 10 of their group's, interleaved in time. */
interface LikeEvent {
  id: string;
  user: string;
  item: string;
  type: string;
  timestamp: number;
}

function structuredData(): { items: { id: string; categories: string[] }[]; events: LikeEvent[] } {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const items = Array.from({ length: 120 }, (_, i) => ({ id: `i${i}`, categories: [`g${i % 3}`] }));
  const users = Array.from({ length: 90 }, (_, u) => {
    const group = items.filter((it) => it.categories[0] === `g${u % 3}`).map((it) => it.id);
    return group.sort(() => rand() - 0.5).slice(0, 10);
  });
  const events: LikeEvent[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let round = 0; round < 10; round++) {
    for (let u = 0; u < users.length; u++) {
      const n = events.length;
      events.push({ id: `e${n}`, user: `u${u}`, item: users[u]![round]!, type: 'like', timestamp: t0 + n * 60_000 });
    }
  }
  return { items, events };
}

let dir: string;
let db: string;
const engines: Engine[] = [];

function config(main: { algorithm: string; params?: Record<string, unknown> }, extra: MagpieConfigInput = {}): MagpieConfigInput {
  return {
    storage: { url: `sqlite:${db}` },
    server: { logLevel: 'silent', port: 0, ...extra.server },
    training: { inWorker: false, intervalMinutes: 0, ...extra.training, models: { main } },
    serving: { modelPollSeconds: 0.2 },
  };
}

async function open(main: { algorithm: string; params?: Record<string, unknown> }, extra: MagpieConfigInput = {}): Promise<Engine> {
  const engine = await createEngine(config(main, extra));
  engines.push(engine);
  return engine;
}

/** Commander's exit override is per command: set it on every level, so errors throw here. */
function throwingErrors(cmd: Command): Command {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwingErrors(sub);
  return cmd;
}

/** The CLI in-process, on the real engine factory; returns what it printed. */
async function magpie(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const program = throwingErrors(buildProgram((overrides, opts, file) => createEngineFromEnv(overrides, opts, file)));
    await program.parseAsync(['node', 'magpie', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-registry-'));
  db = join(dir, 'magpie.db');
});
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('model registry, validation gate and rollback', () => {
  let server: Engine;

  it('promotes the first model of each role', async () => {
    server = await open({ algorithm: 'itemknn' });
    const data = structuredData();
    await server.records.upsertItems(data.items.map((i) => ({ ...i, title: i.id })));
    const app = await server.server();
    const res = await app.inject({ method: 'POST', url: '/api/events', payload: data.events });
    expect(res.statusCode, res.body).toBe(200);
    await server.applier.drain();
    const summary = await server.train();
    const main = summary.models.find((m) => m.name === 'main')!;
    expect(main).toMatchObject({ version: 1, state: 'serving', gate: { passed: true, reason: 'the first model of this role' } });
    expect(server.models.get('main')?.meta.version).toBe(1);
    await server.listen();
  });

  it('refuses a worse model (popularity in place of item-kNN): it stays a candidate with the reason, v1 keeps serving', async () => {
    const worse = await open({ algorithm: 'popularity', params: { halfLifeDays: 0 } });
    const summary = await worse.train();
    const main = summary.models.find((m) => m.name === 'main')!;
    expect(main.version).toBe(2);
    expect(main.state).toBe('candidate');
    expect(main.gate!.passed).toBe(false);
    expect(main.gate!.metric).toBe('ndcg@20');
    // The serving score is item-kNN retrained on this run's holdout: clearly above popularity.
    expect(main.gate!.serving!).toBeGreaterThan(main.gate!.candidate! * 1.2);
    expect(main.gate!.reason).toMatch(/^ndcg@20 0\.\d{4} vs 0\.\d{4} \(v1's itemknn with its parameters, retrained on the same holdout\): worse by \d+\.\d%, more than the 2% tolerance/);
    // Roles whose recipe did not change passed and were promoted.
    expect(summary.models.find((m) => m.name === 'popular')).toMatchObject({ version: 2, state: 'serving' });
    expect(worse.models.get('main')?.meta).toMatchObject({ version: 1, algorithm: 'itemknn' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.models.get('main')?.meta.version).toBe(1);

    const app = await server.server();
    const shown = (await app.inject({ method: 'GET', url: '/api/models/main/2' })).json().model;
    expect(shown).toMatchObject({ state: 'candidate', promotedAt: null, gate: { passed: false, metric: 'ndcg@20', tolerance: 0.02 } });
    const list = (await app.inject({ method: 'GET', url: '/api/models?name=main' })).json().models;
    expect(list.map((m: { version: number; state: string }) => `v${m.version} ${m.state}`)).toEqual(['v2 candidate', 'v1 serving']);
  });

  it('magpie models list shows states and the refusal', async () => {
    const r = await magpie('models', 'list', '--name', 'main', '--db', db);
    expect(r.stdout).toMatch(/^name\s+version\s+state\s+algorithm\s+trained\s+holdout\s+gate$/m);
    expect(r.stdout).toMatch(/^main\s+v2\s+candidate\s+popularity\s+.*refused: ndcg@20 /m);
    expect(r.stdout).toMatch(/^main\s+v1\s+serving\s+itemknn\s+.*passed \(the first model of this role\)$/m);
  });

  it('promote puts the candidate in service by hand; one rollback command restores v1 and the running server swaps to it', async () => {
    expect((await magpie('models', 'promote', 'main', '2', '--db', db)).stderr).toContain('main v2 is serving');
    await until(() => server.models.get('main')?.meta.version === 2);
    expect(server.models.get('main')?.meta.algorithm).toBe('popularity');

    const r = await magpie('models', 'rollback', 'main', '--db', db);
    expect(r.stderr).toContain('rolled back: main v1 is serving again');
    await until(() => server.models.get('main')?.meta.version === 1);
    expect(server.models.get('main')?.meta.algorithm).toBe('itemknn');
    const show = await magpie('models', 'show', 'main', '2', '--db', db);
    expect(show.stdout).toMatch(/^main v2: retired \(promoted /m);
    expect(show.stdout).toMatch(/^ {2}v2 .*, rolled back /m);
    // Nothing stands before v1: a second rollback is refused and v1 keeps serving.
    const app = await server.server();
    const again = await app.inject({ method: 'POST', url: '/api/admin/models/main/rollback' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('NOTHING_TO_ROLL_BACK');
    expect(server.models.get('main')?.meta.version).toBe(1);
  });

  it('the admin API promotes and rolls back and swaps this server at once; unknown versions are 404', async () => {
    const app = await server.server();
    const promoted = await app.inject({ method: 'POST', url: '/api/admin/models/main/2/promote' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json().model).toMatchObject({ name: 'main', version: 2, state: 'serving', promotedAt: expect.any(Number) });
    expect(server.models.get('main')?.meta.version).toBe(2);
    const back = await app.inject({ method: 'POST', url: '/api/admin/models/main/rollback' });
    expect(back.json().model).toMatchObject({ version: 1, state: 'serving' });
    expect(server.models.get('main')?.meta.version).toBe(1);
    for (const url of ['/api/admin/models/main/9/promote', '/api/admin/models/nothing/1/promote']) {
      const res = await app.inject({ method: 'POST', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('MODEL_NOT_FOUND');
    }
    expect((await app.inject({ method: 'GET', url: '/api/models/main/9' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/models/main/zero' })).statusCode).toBe(400);
  });

  it('promote and rollback need the admin role', async () => {
    const read = createApiKey('reader', 'read');
    const admin = createApiKey('ops', 'admin');
    const guarded = await open({ algorithm: 'itemknn' }, { server: { auth: { keys: [read.entry, admin.entry] } } });
    const app = await guarded.server();
    const as = (key: string, method: 'GET' | 'POST', url: string) => app.inject({ method, url, headers: { authorization: `Bearer ${key}` } });
    expect((await as(read.key, 'GET', '/api/models/main/1')).statusCode).toBe(200);
    expect((await as(read.key, 'POST', '/api/admin/models/main/rollback')).statusCode).toBe(403);
    expect((await as(read.key, 'POST', '/api/admin/models/main/2/promote')).statusCode).toBe(403);
    expect((await as(admin.key, 'POST', '/api/admin/models/main/2/promote')).statusCode).toBe(200);
  });

  it('scheduled retraining goes through the gate too', async () => {
    // The admin-role test left v2 (popularity) serving: item-kNN serves again first.
    expect((await server.registry.rollback('main')).version).toBe(1);
    const before = (await server.registry.list('main'))[0]!.version;
    // A second server with the worse recipe on a 0.6 s schedule: its run is refused like the on-demand one.
    const scheduled = await open({ algorithm: 'popularity', params: { halfLifeDays: 0 } }, { training: { intervalMinutes: 0.01 } });
    await scheduled.listen();
    let newest = (await server.registry.list('main'))[0]!;
    for (let i = 0; i < 100 && newest.version === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      newest = (await server.registry.list('main'))[0]!;
    }
    await scheduled.close();
    expect(newest.version).toBeGreaterThan(before);
    expect(newest).toMatchObject({ algorithm: 'popularity', state: 'candidate', gate: { passed: false } });
    expect(await server.stores.models.servingVersion('main')).toBe(1);
  });
});
