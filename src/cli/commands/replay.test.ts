import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../data/index.js';
import { testEngine } from '../../server/testing/engine.js';
import type { CliEngine } from '../engine-port.js';
import { runInProcess } from '../testing/run-in-process.js';
import { parseTime } from './replay.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1);
const FROM = new Date(NOW - 14 * DAY).toISOString();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-replay-'));
  writeFileSync(join(dir, 'popular.json'), JSON.stringify({ sources: [{ type: 'ranked', name: 'popular', role: 'popular' }], ranker: { weights: {} } }));
  writeFileSync(join(dir, 'broken.json'), '{"sources": [');
  writeFileSync(join(dir, 'knn-main.json'), JSON.stringify({ models: { main: { algorithm: 'itemknn' } } }));
  writeFileSync(join(dir, 'stray-key.json'), JSON.stringify({ models: {}, sources: [] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh in-memory engine holding a small demo data set, for each command run. */
async function demoEngine(): Promise<CliEngine> {
  const { engine } = await testEngine({ serving: { logImpressions: false } });
  const demo = generateDemoData({ now: NOW, users: 120, items: 150, seed: 3 });
  await engine.records.upsertUsers(demo.users);
  await engine.records.upsertItems(demo.items);
  await engine.ingest.ingest(demo.events);
  return engine;
}

/** Runs the CLI in-process, returning what it printed and its exit code. */
function magpie(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return runInProcess(demoEngine, args);
}

describe('magpie replay', () => {
  it('compares the configured surface with an override and prints the difference per metric', async () => {
    const r = await magpie('replay', '--from', FROM, '--to', String(NOW), '--config-override', join(dir, 'popular.json'), '--k', '10');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^metric\s+baseline\s+candidate\s+difference\s+95% interval$/m);
    for (const metric of ['recall', 'ndcg', 'map', 'mrr', 'hitrate', 'coverage', 'diversity', 'novelty', 'gini', 'popPercentile']) {
      expect(r.stdout).toMatch(new RegExp(`^${metric}@10\\s+\\d\\.\\d{4}\\s+\\d\\.\\d{4}\\s+[+-]\\d\\.\\d{4}`, 'm'));
    }
    // The interval is shown for accuracy metrics (paired per user) and not for aggregates.
    expect(r.stdout).toMatch(/^recall@10\s.*\[-?\d\.\d{4}, -?\d\.\d{4}\]$/m);
    expect(r.stdout).toMatch(/^gini@10\s+\S+\s+\S+\s+\S+$/m);
    expect(r.stderr).toMatch(/replay of surface "home" over \[2026-02-15T00:00:00\.000Z, 2026-03-01T00:00:00\.000Z\)/);
    expect(r.stderr).toMatch(/diversity = mean pairwise Jaccard distance/);
  });

  it('prints the report as JSON, with a seeded sample of users; an override may change the models', async () => {
    const override = join(dir, 'knn-main.json');
    const r = await magpie('replay', '--from', FROM, '--to', new Date(NOW).toISOString(), '--users', '25', '--k', '5,10', '--config-override', override, '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.k).toEqual([5, 10]);
    expect(report.window.scoredUsers).toBe(25);
    expect(report.window.eligibleUsers).toBeGreaterThan(25);
    expect(report.variants.map((v: { name: string }) => v.name)).toEqual(['baseline', 'candidate']);
    expect(report.variants[0].models.main.algorithm).toBe('blend');
    expect(report.variants[1].models.main.algorithm).toBe('itemknn');
    expect(report.state.trainingRuns).toBe(2);
    expect(report.variants[1].metrics['recall@10']).toBeGreaterThan(0);
  });

  it('refuses a time that is not one, and an override file that is not JSON', async () => {
    const bad = await magpie('replay', '--from', 'last tuesday');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/neither an ISO date\/time nor epoch ms/);
    for (const file of ['broken.json', 'stray-key.json']) {
      await expect(magpie('replay', '--from', FROM, '--config-override', join(dir, file))).rejects.toMatchObject({ code: 'INPUT_FILE_INVALID' });
    }
  });

  it('parses ISO dates and epoch ms', () => {
    expect(parseTime('2026-03-01')).toBe(NOW);
    expect(parseTime('2026-03-01T01:00:00+01:00')).toBe(NOW);
    expect(parseTime(String(NOW))).toBe(NOW);
  });
});
