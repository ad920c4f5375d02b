import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { deepMerge } from '../src/config/index.js';
import { createEngine, type MagpieConfigInput } from '../src/index.js';
import { fixtureEvents, fixtureItems } from './helpers/engine.js';

let dir: string;
let db: string;

/** Runs `magpie …` in this process (as bin/magpie does), returning what it printed and its exit code. */
async function magpie(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = 0;
  try {
    await runCli(['node', 'magpie', ...args], (overrides, opts) =>
      createEngine(deepMerge({ server: { logLevel: 'silent' }, training: { inWorker: false } }, overrides) as MagpieConfigInput, opts),
    );
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout: out.join(''), stderr: err.join(''), code };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-cli-experiments-'));
  db = join(dir, 'magpie.db');
  const engine = await createEngine({ storage: { url: `sqlite:${db}` }, server: { logLevel: 'silent' }, training: { inWorker: false, intervalMinutes: 0 } });
  await engine.records.upsertItems(fixtureItems());
  await engine.ingest.ingest(fixtureEvents());
  await engine.train();
  await engine.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('magpie experiments', () => {
  it('creates, lists, starts, reports and stops an experiment on a store', async () => {
    const file = join(dir, 'exp.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'cli-test',
        name: 'popular first',
        control: 'base',
        variants: [
          { name: 'base', share: 0.5 },
          { name: 'pop', share: 0.5, surface: { ranker: { weights: { popular: 5 } } } },
        ],
      }),
    );
    const created = await magpie('experiments', 'create', file, '--db', db);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('cli-test: popular first');
    expect(created.stderr).toContain('magpie experiments start cli-test');

    expect((await magpie('experiments', 'start', 'cli-test', '--db', db)).stdout).toContain('home, running');
    const listed = JSON.parse((await magpie('experiments', 'list', '--db', db, '--json')).stdout);
    expect(listed.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([['cli-test', 'running']]);

    const report = await magpie('experiments', 'report', 'cli-test', '--db', db);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/cli-test on home \(running\), control base/);
    expect(report.stdout).toContain('CTR vs control');
    const json = JSON.parse((await magpie('experiments', 'report', 'cli-test', '--db', db, '--json')).stdout);
    expect(json.variants.map((v: { name: string }) => v.name)).toEqual(['base', 'pop']);

    const stopped = await magpie('experiments', 'stop', 'cli-test', '--db', db, '--reason', 'done here');
    expect(stopped.stdout).toContain('(done here)');
    const missing = await magpie('experiments', 'show', 'nope', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error [EXPERIMENT_NOT_FOUND]');
  }, 60_000);
});
