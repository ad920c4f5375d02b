// Scale (issue #5's bench:scale): 10 million interactions on one machine. In one run:
//   1. load: a seeded synthetic data set with latent structure (bench/synthetic-data.mts) is
//      generated and streamed into a fresh SQLite store through DataStore.insertEvents, in
//      transactions of --load-batch events (50,000; a commit writes every index page the batch
//      dirtied, and random item ids dirty much of the events_by_item index, so the load slows
//      down as the store grows);
//   2. train: the default configuration's model roles, in a process of their own
//      (bench/scale-train.mts), timed per role and stage, with that process's RSS high-water;
//   3. serve: `magpie serve --workers 2` twice (home surface uncached, and cached), loaded by
//      autocannon over many users: every user at random (uncached) and a warm set (cached),
//      interleaved round by round; req/s and latency percentiles per round and their medians,
//      and each server's RSS (all its processes) afterwards.
// Prints everything and writes bench/results/scale-<interactions>.json.
//
// Usage: npm run bench:scale [-- --interactions 1e7 --users N --items N --seconds 10
//          --connections 32 --rounds 3 --workers 2 --warm-users 1000 --load-batch 50000 --keep DIR
//          --port 18391 --train-heap MiB]
// (--keep DIR reuses DIR/scale.db when it exists, skipping the load: train and serve again.)
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Rng } from '../src/core/index.js';
import { createEngine } from '../src/index.js';
import { treeRssBytes } from './process-rss.mjs';
import { shapeFor, syntheticEvents, syntheticItems, userId, type SyntheticShape } from './synthetic-data.mjs';

const { values } = parseArgs({
  options: {
    interactions: { type: 'string', default: '1e7' },
    users: { type: 'string' },
    items: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    'warm-users': { type: 'string', default: '1000' },
    keep: { type: 'string' },
    port: { type: 'string', default: '18391' },
    'load-batch': { type: 'string', default: '50000' },
    'train-heap': { type: 'string' },
  },
});
const shape: SyntheticShape = shapeFor(Number(values.interactions), {
  ...(values.users ? { users: Number(values.users) } : {}),
  ...(values.items ? { items: Number(values.items) } : {}),
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const workers = Number(values.workers);
const warmUsers = Math.min(Number(values['warm-users']), shape.users);
const basePort = Number(values.port);
const loadBatch = Number(values['load-batch']);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'magpie-scale-'));
mkdirSync(dir, { recursive: true });
const db = join(dir, 'scale.db');
const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const mib = (bytes: number): string => `${fmt(bytes / 2 ** 20)} MiB`;
const report: Record<string, unknown> = {
  command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
  node: process.version,
  cpus: cpus().length,
  memory: mib(totalmem()),
  loadAverageAtStart: loadavg()[0],
  shape,
};
console.log(`node ${process.version}, ${cpus().length} cores, ${mib(totalmem())}; load average ${loadavg()[0]!.toFixed(1)} (the machine may be shared)`);
console.log(`data: ${fmt(shape.interactions)} interactions, ${fmt(shape.users)} users, ${fmt(shape.items)} items (seed ${shape.seed}); store ${db}`);
report['loadBatch'] = loadBatch;

// ---- 1. load ----

async function load(): Promise<void> {
  const engine = await createEngine({ storage: { url: `sqlite:${db}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0 } });
  const started = performance.now();
  let generating = 0;
  try {
    await engine.stores.data.upsertItems(syntheticItems(shape));
    let n = 0;
    let nextReport = 1_000_000;
    let t = performance.now();
    for (const batch of syntheticEvents(shape, loadBatch)) {
      generating += performance.now() - t;
      await engine.stores.data.insertEvents(batch, { createMissing: true, now: Date.now() });
      n += batch.length;
      if (n >= nextReport || n === shape.interactions) {
        nextReport += 1_000_000;
        const s = (performance.now() - started) / 1000;
        console.log(`  loaded ${fmt(n)} events in ${s.toFixed(0)} s (${fmt(n / s)}/s), rss ${mib(process.memoryUsage.rss())}`);
      }
      t = performance.now();
    }
  } finally {
    await engine.close();
  }
  const secs = (performance.now() - started) / 1000;
  const loadResult = {
    seconds: secs,
    generatingSeconds: generating / 1000,
    eventsPerSecond: shape.interactions / secs,
    storeBytes: statSync(db).size,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  report['load'] = loadResult;
  console.log(
    `load: ${secs.toFixed(0)} s (${fmt(loadResult.eventsPerSecond)} events/s; generating ${loadResult.generatingSeconds.toFixed(0)} s of it), ` +
      `store file ${mib(loadResult.storeBytes)}, loader peak RSS ${mib(loadResult.maxRssMiB * 2 ** 20)}`,
  );
}

if (existsSync(db)) console.log(`load: skipped, ${db} exists (--keep)`);
else await load();

// ---- 2. train ----

interface TrainResult {
  ok: boolean;
  error?: string;
  lastStage?: string;
  seconds: number;
  endSeconds?: number;
  maxRssMiB: number;
  models?: { role: string; algorithm: string; trainingSeconds: number; bytes: number; data: { users: number; items: number; interactions: number; events: number } }[];
  skipped?: { role: string; reason: string }[];
  stages?: { stage: string; firstSeconds: number; lastSeconds: number }[];
}

function train(): Promise<TrainResult> {
  return new Promise((resolve) => {
    // --train-heap raises V8's heap limit (--max-old-space-size, process-wide: the training
    // thread gets it too) above its default of about 4 GiB on a 64-bit machine.
    const heap = values['train-heap'] ? [`--max-old-space-size=${Number(values['train-heap'])}`] : [];
    const child = spawn(process.execPath, [...heap, '--import', 'tsx', 'bench/scale-train.mts', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-20_000);
      process.stderr.write(d);
    });
    child.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice(7)) as TrainResult);
      else resolve({ ok: false, error: `the training process ended (${signal ?? code}) without a result: ${err.trim().split('\n').slice(-5).join(' | ')}`, seconds: NaN, maxRssMiB: NaN });
    });
  });
}

/** Per role: the span from its first progress report to the next role's (or the end), and its final fit. */
function roleTimes(r: TrainResult): { role: string; spanSeconds: number | null; holdoutFitSeconds: number; finalFitSeconds: number }[] {
  const stages = r.stages ?? [];
  const roleOf = (stage: string): string => stage.split(':')[0]!;
  return (r.models ?? []).map((m) => {
    const own = stages.filter((s) => roleOf(s.stage) === m.role);
    // A role that reports no progress (popularity: one pass) has no span of its own.
    if (own.length === 0) return { role: m.role, spanSeconds: null, holdoutFitSeconds: 0, finalFitSeconds: m.trainingSeconds };
    const first = Math.min(...own.map((s) => s.firstSeconds));
    const next = stages.filter((s) => s.firstSeconds > first && roleOf(s.stage) !== m.role && s.stage !== 'snapshot');
    const end = next.length ? Math.min(...next.map((s) => s.firstSeconds)) : (r.endSeconds ?? NaN);
    const holdout = own.filter((s) => s.stage.startsWith(`${m.role}: holdout`));
    const holdoutFit = holdout.length ? Math.max(...holdout.map((s) => s.lastSeconds)) - Math.min(...holdout.map((s) => s.firstSeconds)) : 0;
    return { role: m.role, spanSeconds: end - first, holdoutFitSeconds: holdoutFit, finalFitSeconds: m.trainingSeconds };
  });
}

console.log(`train: the default configuration (holdout 10%, every role), in its own process${values['train-heap'] ? ` with --max-old-space-size=${values['train-heap']}` : ''}:`);
report['trainHeapMiB'] = values['train-heap'] ? Number(values['train-heap']) : null;
const trained = await train();
report['train'] = { ...trained, roles: trained.ok ? roleTimes(trained) : [] };
if (!trained.ok) {
  console.log(`train: FAILED after ${trained.seconds.toFixed(0)} s at "${trained.lastStage ?? '?'}": ${trained.error}; peak RSS ${mib(trained.maxRssMiB * 2 ** 20)}`);
} else {
  const snapshot = trained.stages?.find((s) => s.stage === 'snapshot');
  const data = trained.models![0]!.data;
  console.log(`train: ${trained.seconds.toFixed(0)} s in all, training process peak RSS ${mib(trained.maxRssMiB * 2 ** 20)}`);
  console.log(`  snapshot of ${fmt(data.events)} events → ${fmt(data.users)} users × ${fmt(data.items)} items, ${fmt(data.interactions)} interactions: ${snapshot ? `${(snapshot.lastSeconds - snapshot.firstSeconds).toFixed(0)} s` : '?'}`);
  console.log(`  ${'role'.padEnd(9)} ${'algorithm'.padEnd(11)} ${'role total s'.padStart(12)} ${'holdout fit s'.padStart(13)} ${'final fit s'.padStart(11)} ${'model'.padStart(10)}`);
  for (const t of roleTimes(trained)) {
    const m = trained.models!.find((x) => x.role === t.role)!;
    console.log(`  ${t.role.padEnd(9)} ${m.algorithm.padEnd(11)} ${(t.spanSeconds === null ? '-' : t.spanSeconds.toFixed(1)).padStart(12)} ${t.holdoutFitSeconds.toFixed(1).padStart(13)} ${t.finalFitSeconds.toFixed(1).padStart(11)} ${mib(m.bytes).padStart(10)}`);
  }
  console.log('  (role total = holdout fit + holdout evaluation + final fit)');
  for (const s of trained.skipped ?? []) console.log(`  skipped ${s.role}: ${s.reason}`);
}

// ---- 3. serve ----

function start(args: string[], readyText: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (d: Buffer): void => {
      seen = (seen + d.toString()).slice(-8_000);
      if (seen.includes(readyText)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`magpie serve exited with ${code}: ${seen.slice(-2000)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

async function ready(port: number, path: string): Promise<void> {
  for (let ok = 0, tries = 0; ok < 2 * workers && tries < 600; tries++) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } }).catch(() => null);
    ok = res?.status === 200 ? ok + 1 : 0;
    if (!res || res.status !== 200) await new Promise((r) => setTimeout(r, 500));
  }
}

interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
}

async function hit(port: number, path: () => string, secs: number): Promise<LoadResult> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: secs, requests: [{ setupRequest: (req) => ({ ...req, path: path() }) }] });
  return { rps: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.non2xx + r.timeouts };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function serve(): Promise<void> {
  const rng = new Rng(11);
  const anyUser = (): string => userId(rng.int(shape.users));
  let w = 0;
  const warmUser = (): string => userId(w++ % warmUsers);
  const modes = [
    { name: 'recommend, uncached (all users)', cached: false, path: () => `/api/recommend/${anyUser()}?n=20` },
    { name: `recommend, cached (${fmt(warmUsers)} users)`, cached: true, path: () => `/api/recommend/${warmUser()}?n=20` },
  ];
  const servers: ChildProcess[] = [];
  try {
    for (const [k, m] of modes.entries()) {
      const config = join(dir, `config-${m.cached}.json`);
      // The cached server keeps lists for an hour (the default is 30 s), so that every request of
      // the cached run is a hit: that run measures the cache, not its expiry.
      writeFileSync(config, JSON.stringify({ server: { logLevel: 'warn' }, training: { intervalMinutes: 0 }, serving: { surfaces: { home: { cacheSeconds: m.cached ? 3600 : 0 } } } }));
      const t = performance.now();
      servers.push(await start(['bin/magpie.js', 'serve', '--workers', String(workers), '--db', db, '--port', String(basePort + k), '--host', '127.0.0.1', '--no-train', '--config', config], `(${workers} processes)`));
      await ready(basePort + k, `/api/recommend/${userId(0)}?n=20`);
      console.log(`  ${m.name}: server up and answering in ${((performance.now() - t) / 1000).toFixed(1)} s, RSS ${mib(treeRssBytes(servers[k]!.pid!))}`);
    }
    for (const [k, m] of modes.entries()) await hit(basePort + k, m.path, 3); // warm-up: JIT, and the cached server's lists
    // The cached run's lists must be in cache in every process. Connections are handed to the
    // processes in turn, and a user's requests land on any of them: 3 × workers passes over the
    // warm users leave a list uncached in a given process with probability ~(1 - 1/workers)^(3 × workers).
    const t = performance.now();
    for (let pass = 0; pass < 3 * workers; pass++) {
      await autocannon({ url: `http://127.0.0.1:${basePort + 1}`, connections, amount: warmUsers, requests: [{ setupRequest: (req) => ({ ...req, path: `/api/recommend/${warmUser()}?n=20` }) }] });
    }
    console.log(`  cache warm-up: ${((performance.now() - t) / 1000).toFixed(0)} s`);
    console.log(`${'run'.padEnd(34)} ${'round'.padStart(5)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p90 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'errors'.padStart(6)}`);
    const results = modes.map(() => [] as LoadResult[]);
    for (let round = 1; round <= rounds; round++) {
      for (const [k, m] of modes.entries()) {
        const r = await hit(basePort + k, m.path, seconds);
        results[k]!.push(r);
        console.log(`${m.name.padEnd(34)} ${String(round).padStart(5)} ${fmt(r.rps).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p90).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.max).padStart(7)} ${String(r.errors).padStart(6)}`);
      }
    }
    const summary = modes.map((m, k) => {
      const rs = results[k]!;
      return { mode: m.name, rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p90: median(rs.map((r) => r.p90)), p99: median(rs.map((r) => r.p99)), errors: rs.reduce((a, r) => a + r.errors, 0), serverRssMiB: treeRssBytes(servers[k]!.pid!) / 2 ** 20, rounds: rs };
    });
    console.log(`Medians over ${rounds} rounds (${workers} server processes, autocannon ${connections} connections × ${seconds} s):`);
    for (const s of summary) console.log(`  ${s.mode}: ${fmt(s.rps)} req/s, p50 ${s.p50} ms, p90 ${s.p90} ms, p99 ${s.p99} ms, ${s.errors} errors; server RSS ${mib(s.serverRssMiB * 2 ** 20)} (${workers + 1} processes)`);
    report['serve'] = { workers, connections, seconds, rounds, warmUsers, results: summary };
  } finally {
    for (const s of servers) await stop(s);
  }
}

if (trained.ok) {
  console.log(`serve: magpie serve --workers ${workers}, home surface, n=20:`);
  await serve();
} else console.log('serve: skipped, no models were trained');

report['loadAverageAtEnd'] = loadavg()[0];
mkdirSync('bench/results', { recursive: true });
const out = `bench/results/scale-${shape.interactions}.json`;
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`results written to ${out}; load average ${loadavg()[0]!.toFixed(1)} at the end`);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
if (!trained.ok) process.exitCode = 1;
