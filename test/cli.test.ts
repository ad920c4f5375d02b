import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemKnn } from '../src/algorithms/index.js';
import { buildProgram } from '../src/cli/index.js';
import { fixtureEvents, fixtureItems } from './helpers/engine.js';

const ROOT = join(import.meta.dirname, '..');
const ENTRY = join(import.meta.dirname, 'helpers', 'magpie.ts');
// The tsx loader by absolute URL: the CLI runs in a scratch directory with no node_modules.
const TSX = import.meta.resolve('tsx');

function magpie(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, ENTRY, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-cli-'));
  // Two taste groups of 20 items; every user has 8 training items and 2 test items of their group.
  const train: string[] = [];
  const test: string[] = [];
  for (let u = 0; u < 60; u++) {
    const base = u % 2 === 0 ? 0 : 20;
    const items = Array.from({ length: 10 }, (_, k) => base + ((u * 3 + k) % 20));
    train.push(`${u} ${items.slice(0, 8).join(' ')}`);
    test.push(`${u} ${items.slice(8).join(' ')}`);
  }
  writeFileSync(join(dir, 'train.txt'), `${train.join('\n')}\n`);
  writeFileSync(join(dir, 'test.txt'), `${test.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('magpie CLI', () => {
  it('lists its commands, and each has --help', () => {
    const help = magpie('--help');
    expect(help.status).toBe(0);
    const commands = ['serve', 'import', 'demo', 'train', 'export', 'eval', 'tune', 'recommend', 'replay', 'algorithms'];
    for (const c of commands) expect(help.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    // Each command's help, in-process (a process per command would cost a second each).
    const program = buildProgram(async () => {
      throw new Error('help must not open an engine');
    });
    for (const c of commands) {
      const sub = program.commands.find((x) => x.name() === c)!;
      expect(sub.helpInformation()).toContain(`Usage: magpie ${c}`);
      expect(sub.description().length).toBeGreaterThan(10);
    }
    expect(magpie('eval', '--help').stdout).toContain('--train <file>');
  });

  it('refuses an unknown command with a non-zero exit', () => {
    const r = magpie('frobnicate');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('evaluates algorithms on LightGCN files, prints a table and writes JSON', () => {
    const r = magpie('eval', '--train', 'train.txt', '--test', 'test.txt', '--algo', 'popularity,itemknn', '--k', '10,20', '--json', 'report.json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^algorithm\s+train s\s+eval s\s+recall@10/m);
    expect(r.stdout).toMatch(/^popularity\s/m);
    expect(r.stdout).toMatch(/^itemknn\s/m);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.k).toEqual([10, 20]);
    const byName = Object.fromEntries(report.results.map((x: { algorithm: string }) => [x.algorithm, x]));
    // Two clean taste groups: item-kNN must beat popularity clearly.
    expect(byName.itemknn.metrics['recall@20']).toBeGreaterThan(byName.popularity.metrics['recall@20'] + 0.1);
    expect(r.stderr).toMatch(/itemknn: trained in/);
  });

  it('tunes an algorithm on a holdout of the training file and prints the best parameters last', () => {
    const r = magpie('tune', '--train', 'train.txt', '--algo', 'itemknn', '--trials', '3', '--fixed', '{"neighbors":10}', '--json', 'tune.json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/held out 20% of each user's items of train\.txt \(seed 42\): 60 validation users/);
    expect(r.stderr).toMatch(/^trial 3: ndcg@20 /m);
    const lines = r.stdout.trim().split('\n');
    // The searched parameters are columns; the fixed one is not searched.
    expect(lines[0]).toMatch(/^trial\s+similarity\s+shrink\s+bm25K1\s+bm25B\s+train s\s+eval s\s+ndcg@20\s+recall@20$/);
    expect(lines.filter((l) => /^\d/.test(l))).toHaveLength(4);
    const best = JSON.parse(lines.at(-1)!);
    expect(best.neighbors).toBe(10);
    const report = JSON.parse(readFileSync(join(dir, 'tune.json'), 'utf8'));
    expect(report.best).toEqual(best);
    expect(report.trials[0].params).toEqual(best);
    expect(report.trials.map((t: { trial: number }) => t.trial).sort()).toEqual([0, 1, 2, 3]);
    const scores = report.trials.map((t: { score: number }) => t.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(report.fixed).toEqual({ neighbors: 10 });
    // The line is complete, valid --params.
    expect(itemKnn.paramsSchema.parse(best)).toEqual(best);
  });

  it('tune refuses invalid fixed parameters with the field named', () => {
    const r = magpie('tune', '--train', 'train.txt', '--test', 'test.txt', '--algo', 'itemknn', '--fixed', '{"neighbors":0}');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[VALIDATION_FAILED\]: fixed parameters for itemknn: neighbors: /);
  });

  it('recommends with the default pipeline\'s main model for --algo default', () => {
    const r = magpie('recommend', '--train', 'train.txt', '--algo', 'default', '--k', '3', '--out', 'recs-default.txt');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/blend: trained in/);
    expect(readFileSync(join(dir, 'recs-default.txt'), 'utf8').trim().split('\n')).toHaveLength(60);
  });

  it('writes every user\'s top K without their training items', () => {
    const r = magpie('recommend', '--train', 'train.txt', '--algo', 'itemknn', '--k', '5', '--out', 'recs.txt');
    expect(r.status, r.stderr).toBe(0);
    const train = new Map(readFileSync(join(dir, 'train.txt'), 'utf8').trim().split('\n').map((l) => {
      const [u, ...items] = l.split(' ');
      return [u!, new Set(items)];
    }));
    const lines = readFileSync(join(dir, 'recs.txt'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(60);
    for (const line of lines) {
      const [u, ...items] = line.split(' ');
      expect(items).toHaveLength(5);
      for (const i of items) expect(train.get(u!)!.has(i)).toBe(false);
    }
  });

  it('imports JSON Lines, trains from the store and prints the models', () => {
    writeFileSync(join(dir, 'items.jsonl'), fixtureItems().map((i) => JSON.stringify(i)).join('\n'));
    writeFileSync(join(dir, 'events.jsonl'), fixtureEvents().map((e) => JSON.stringify(e)).join('\n'));
    const imp = magpie('import', '--db', 'store.db', '--items', 'items.jsonl', '--events', 'events.jsonl');
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stderr).toContain(`events: ${fixtureEvents().length} accepted`);
    const train = magpie('train', '--db', 'store.db');
    expect(train.status, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/^main\s+\w+\s+v1\s/m);
    expect(train.stdout).toMatch(/^trending\s+popularity\s+v1\s/m);
  });

  it("exports every user's email-surface list to JSONL and CSV (after the import test's training)", () => {
    const jsonl = magpie('export', '--db', 'store.db', '--out', 'email.jsonl', '--n', '3');
    expect(jsonl.status, jsonl.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'email.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40); // the fixture's users
    for (const line of lines) {
      expect(typeof line.requestId).toBe('string');
      expect(line.items).toHaveLength(3);
      for (const it of line.items) expect(it.reason.length).toBeGreaterThan(0);
    }
    const csv = magpie('export', '--db', 'store.db', '--out', 'email.csv', '--format', 'csv', '--n', '2');
    expect(csv.status, csv.stderr).toBe(0);
    const rows = readFileSync(join(dir, 'email.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('user,rank,item,score,source,reason');
    expect(rows).toHaveLength(1 + 40 * 2);
    expect(magpie('export', '--db', 'store.db', '--out', 'x', '--format', 'xml').stderr).toContain('VALIDATION_FAILED');
  });

  it('stops an import at the first bad line and says where', () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"id":"a"}\n{"id":"b"}\n{"id":"c","colour":"red"}\n');
    const r = magpie('import', '--db', 'bad.db', '--users', 'bad.jsonl');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[INPUT_FILE_INVALID\]: bad\.jsonl:3: .*colour/);
  });

  it('lists the algorithms with their defaults', () => {
    const r = magpie('algorithms', '--json');
    expect(r.status).toBe(0);
    const names = JSON.parse(r.stdout).map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['popularity', 'itemknn']));
  });
});

describe('the published binary', () => {
  const bin = join(ROOT, 'bin', 'magpie.js');
  it.skipIf(!existsSync(join(ROOT, 'dist', 'bootstrap', 'main.js')))(
    'answers --help from the compiled build (skipped when dist/ is not built: run npm run build)',
    () => {
      const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Usage: magpie');
    },
  );
});
