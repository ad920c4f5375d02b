// Soak (issue #5): a steady mixed load against one `magpie serve` for N minutes, watching latency
// and memory. It seeds a fresh SQLite store with the synthetic data set (bench/synthetic-data.mts)
// and trains the default models once, starts the server (--no-train), then holds an open-loop
// load — reads (personalised lists and similar items, for users and items of the data set) and
// event writes (small batches with fresh ids) at fixed rates — and samples the RSS of the
// server's processes every second. A line per interval: requests, errors, latency percentiles
// of reads and writes, RSS, and V8's heap in use and reserved and its external memory (/metrics). At the end it judges whether
// RSS grew without bound (bench/soak-verdict.mts: the last half's slope against --max-slope)
// and exits 1 if it did, or if any request failed.
//
// Usage: npm run soak [-- --minutes 10 --interval 30 --read-rate 20 --write-rate 2 --batch 20
//          --interactions 200000 --workers 1 --max-slope 2 --source]
// (--source runs the CLI from TypeScript source through tsx instead of the built dist/.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/index.js';
import { createEngine } from '../src/index.js';
import { treeRssBytes } from './process-rss.mjs';
import { judgeRss, type RssSample } from './soak-verdict.mjs';
import { itemId, shapeFor, syntheticEvents, syntheticItems, userId } from './synthetic-data.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    interval: { type: 'string' },
    'read-rate': { type: 'string', default: '20' },
    'write-rate': { type: 'string', default: '2' },
    batch: { type: 'string', default: '20' },
    interactions: { type: 'string', default: '200000' },
    workers: { type: 'string', default: '1' },
    'max-slope': { type: 'string', default: '2' },
    source: { type: 'boolean', default: false },
  },
});
const durationS = Number(values.minutes) * 60;
const intervalS = Number(values.interval ?? Math.min(60, Math.max(2, Math.round(durationS / 20))));
const readRate = Number(values['read-rate']);
const writeRate = Number(values['write-rate']);
const batchSize = Number(values.batch);
const workers = Number(values.workers);
const maxSlope = Number(values['max-slope']);
const shape = shapeFor(Number(values.interactions));
/** Requests in flight beyond this are not sent (and counted as skipped): the server has fallen behind. */
const MAX_IN_FLIGHT = 256;

const dir = mkdtempSync(join(tmpdir(), 'magpie-soak-'));
const db = join(dir, 'soak.db');

// ---- the store and the server ----

async function seed(): Promise<void> {
  const engine = await createEngine({ storage: { url: `sqlite:${db}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0, inWorker: false } });
  try {
    await engine.stores.data.upsertItems(syntheticItems(shape));
    for (const batch of syntheticEvents(shape)) await engine.stores.data.insertEvents(batch, { createMissing: true, now: Date.now() });
    await engine.train();
  } finally {
    await engine.close();
  }
}

function startServer(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ server: { logLevel: 'warn' }, training: { intervalMinutes: 0 } }));
  const cli = ['serve', '--db', db, '--host', '127.0.0.1', '--port', '0', '--no-train', '--workers', String(workers), '--config', config];
  // From source: tsx's loader, and main() called on an argv shaped like the bin's.
  const main = new URL('../src/bootstrap/main.ts', import.meta.url).href;
  const args = values.source
    ? ['--import', 'tsx', '--input-type=module', '-e', `const { main } = await import(${JSON.stringify(main)}); await main([process.argv[0], 'magpie', ...process.argv.slice(1)]);`, ...cli]
    : ['bin/magpie.js', ...cli];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (d: Buffer): void => {
      seen = (seen + d.toString()).slice(-8_000);
      const m = /Magpie is serving on http:\/\/[\d.]+:(\d+)/.exec(seen);
      if (m && (workers === 1 || seen.includes(`(${workers} processes)`))) resolve({ child, port: Number(m[1]), output: () => seen });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`magpie serve exited (${code}): ${seen.slice(-2_000)}`)));
  });
}

const treeRssMiB = (root: number): number => treeRssBytes(root) / 2 ** 20;

// ---- load ----

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const rng = new Rng(5);
let port = 0;
let eventSeq = 0;
const runId = Date.now().toString(36);

/** Failed requests by what failed ("503 STORE_UNAVAILABLE", "ECONNRESET"…), for the summary. */
const failures = new Map<string, number>();
const fail = (what: string): void => void failures.set(what, (failures.get(what) ?? 0) + 1);

/** The status of one request (0 when it got no answer); failures are recorded by kind. */
function send(method: 'GET' | 'POST', path: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += res.statusCode === 200 ? '' : c));
      res.on('end', () => {
        if (res.statusCode !== 200) fail(`${method} ${res.statusCode} ${/"code":"(\w+)"/.exec(text)?.[1] ?? text.slice(0, 80)}`);
        resolve(res.statusCode ?? 0);
      });
      res.on('error', (err) => {
        fail(`${method} ${err.message}`);
        resolve(0);
      });
    });
    req.on('error', (err) => {
      fail(`${method} ${(err as NodeJS.ErrnoException).code ?? err.message}`);
      resolve(0);
    });
    req.end(body);
  });
}

function readRequest(): Promise<number> {
  // Four in five reads are a user's home list; one in five an item's similar items.
  return rng.next() < 0.8
    ? send('GET', `/api/recommend/${userId(rng.int(shape.users))}?n=20`)
    : send('GET', `/api/items/${itemId(rng.int(shape.items))}/similar?n=20`);
}

function writeRequest(): Promise<number> {
  const now = Date.now();
  const events = Array.from({ length: batchSize }, () => ({
    id: `soak-${runId}-${eventSeq++}`,
    user: userId(rng.int(shape.users)),
    item: itemId(rng.int(shape.items)),
    type: rng.next() < 0.7 ? 'view' : 'click',
    timestamp: now,
  }));
  return send('POST', '/api/events', JSON.stringify(events));
}

interface Window {
  reads: number[];
  writes: number[];
  errors: number;
  skipped: number;
}
const newWindow = (): Window => ({ reads: [], writes: [], errors: 0, skipped: 0 });
const pct = (xs: number[], p: number): string => {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!.toFixed(1);
};

/** Fires requests at `rate` per second from `start` until `end`, on a 10 ms tick, into the current window. */
function pace(rate: number, fire: () => Promise<number>, into: (w: Window) => number[], state: { window: Window; inFlight: number }, start: number, end: number): Promise<void> {
  let sent = 0;
  return new Promise((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const due = Math.floor(((Math.min(now, end) - start) / 1000) * rate);
      for (; sent < due; sent++) {
        if (state.inFlight >= MAX_IN_FLIGHT) {
          state.window.skipped++;
          continue;
        }
        state.inFlight++;
        const t = performance.now();
        void fire().then((status) => {
          state.inFlight--;
          if (status === 200) into(state.window).push(performance.now() - t);
          else state.window.errors++;
        });
      }
      if (now >= end) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
}

// ---- run ----

console.log(`node ${process.version}; load average ${loadavg()[0]!.toFixed(1)} (the machine may be shared)`);
console.log(`seeding ${shape.interactions.toLocaleString('en')} interactions (${shape.users.toLocaleString('en')} users, ${shape.items.toLocaleString('en')} items) and training the default models…`);
let t = performance.now();
await seed();
console.log(`  seeded and trained in ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
const server = await startServer();
port = server.port;
// Stopped early (Ctrl-C): stop the server too, and remove the scratch store.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.child.kill('SIGTERM');
    server.child.once('exit', () => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
console.log(`  magpie serve (${workers} process${workers > 1 ? 'es' : ''}, ${values.source ? 'from source' : 'dist/'}) up in ${((performance.now() - t) / 1000).toFixed(1)} s on port ${port}`);
console.log(
  `load for ${durationS} s: reads ${readRate}/s (80% recommend, 20% similar), writes ${writeRate}/s × ${batchSize} events; a line every ${intervalS} s`,
);
console.log(`${'t s'.padStart(6)} ${'reads'.padStart(6)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)} ${'writes'.padStart(6)} ${'p50'.padStart(6)} ${'p99'.padStart(6)} ${'errors'.padStart(6)} ${'skipped'.padStart(7)} ${'RSS MiB'.padStart(8)} ${'heap'.padStart(8)} ${'reserved'.padStart(8)} ${'external'.padStart(8)}`);

const state = { window: newWindow(), inFlight: 0 };
const samples: RssSample[] = [];
const start = performance.now();
const end = start + durationS * 1000;
let totalErrors = 0;
let totalSkipped = 0;
const sampler = setInterval(() => samples.push({ t: (performance.now() - start) / 1000, mib: treeRssMiB(server.child.pid!) }), 1000);
/** The server's V8 heap (in use, and reserved) and external memory (ArrayBuffers), MiB, from its
 *  Prometheus metrics; with --workers N, of whichever process answers. */
async function v8Memory(): Promise<{ used: number; total: number; external: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
  const text = res ? await res.text() : '';
  const metric = (name: string): number => Number(new RegExp(`^magpie_nodejs_${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return { used: metric('heap_size_used_bytes'), total: metric('heap_size_total_bytes'), external: metric('external_memory_bytes') };
}
const heaps: number[] = [];
const reporter = setInterval(async () => {
  const v8 = await v8Memory();
  heaps.push(v8.used);
  const w = state.window;
  state.window = newWindow();
  totalErrors += w.errors;
  totalSkipped += w.skipped;
  const elapsed = (performance.now() - start) / 1000;
  const rss = treeRssMiB(server.child.pid!);
  console.log(
    `${elapsed.toFixed(0).padStart(6)} ${String(w.reads.length).padStart(6)} ${pct(w.reads, 50).padStart(6)} ${pct(w.reads, 95).padStart(6)} ${pct(w.reads, 99).padStart(6)} ` +
      `${String(w.writes.length).padStart(6)} ${pct(w.writes, 50).padStart(6)} ${pct(w.writes, 99).padStart(6)} ${String(w.errors).padStart(6)} ${String(w.skipped).padStart(7)} ${rss.toFixed(0).padStart(8)} ${v8.used.toFixed(0).padStart(8)} ${v8.total.toFixed(0).padStart(8)} ${v8.external.toFixed(0).padStart(8)}`,
  );
}, intervalS * 1000);
await Promise.all([pace(readRate, readRequest, (w) => w.reads, state, start, end), pace(writeRate, writeRequest, (w) => w.writes, state, start, end)]);
while (state.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
clearInterval(sampler);
clearInterval(reporter);
totalErrors += state.window.errors;
totalSkipped += state.window.skipped;

const verdict = judgeRss(samples, maxSlope);
const rssValues = samples.map((s) => s.mib);
console.log(
  `RSS: ${rssValues[0]?.toFixed(0)} MiB at the start, ${Math.max(...rssValues).toFixed(0)} MiB at most, ${rssValues[rssValues.length - 1]?.toFixed(0)} MiB at the end (${samples.length} samples)`,
);
console.log(`V8 heap in use (the server's /metrics): ${heaps[0]?.toFixed(0)} MiB at the first line, ${heaps[heaps.length - 1]?.toFixed(0)} MiB at the last; the rest of RSS is native (SQLite page caches, up to 64 MiB per connection, buffers, code)`);
console.log(`verdict: ${verdict.reason}`);
console.log(`requests: ${totalErrors} failed, ${totalSkipped} not sent (more than ${MAX_IN_FLIGHT} in flight)`);
for (const [what, n] of failures) console.log(`  failed: ${n} × ${what}`);
if (failures.size > 0) console.log(`the server's last output:\n${server.output().slice(-3_000)}`);

server.child.removeAllListeners('exit');
const exited = new Promise((r) => server.child.once('exit', r));
server.child.kill('SIGTERM');
await exited;
agent.destroy();
rmSync(dir, { recursive: true, force: true });
process.exitCode = verdict.grows || totalErrors > 0 ? 1 : 0;
