// Ingest throughput (issue #5's bench:ingest). For each storage (a fresh SQLite file; a fresh
// Postgres schema, skipped with the reason when no server answers), each server shape (one
// `magpie serve` process; two: `--workers 2` on SQLite, two replicas on one schema on Postgres,
// the clients spread over their ports) and each apply mode (the default
// ingest.waitForApply = true, which answers once the batch is applied, and false, which answers
// once it is in the durable log), it starts the built CLI, POSTs batches of events with fresh ids
// to /api/events from several concurrent keep-alive clients for a fixed time, and prints:
// acknowledged events/s (events in 200 answers; median of the runs), request latency p50/p99
// over all runs, the CPU the server (and Postgres) used, and how long the store took to catch up
// with the log afterwards, hence events stored per second (the acknowledged events over the run
// plus the catch-up). Each run checks that the store then holds exactly the acknowledged events;
// the goals are judged on stored/s, so an apply that falls behind the answers does not pass.
//
// Usage: npm run bench:ingest [-- --seconds 10 --runs 3 --clients 4 --batch 5000
//                                 --storage sqlite,postgres --workers 1,2 --apply wait,async]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '5000' },
    storage: { type: 'string', default: 'sqlite,postgres' },
    workers: { type: 'string', default: '1,2' },
    apply: { type: 'string', default: 'wait,async' },
    port: { type: 'string', default: '8293' },
  },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const clients = Number(values.clients);
const batchSize = Number(values.batch);
const port = Number(values.port);
const storages = values.storage.split(',');
const workerCounts = values.workers.split(',').map(Number);
const applyModes = values.apply.split(',');
const PG_URL = process.env['MAGPIE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const GOALS: Record<string, number> = { sqlite: 50_000, postgres: 20_000 };
const USERS = 10_000;
const ITEMS = 40_000;
const WARMUP_BATCHES_PER_CLIENT = 2;
/** Bodies are built for up to this rate; a faster server runs out and the bench says so. */
const MAX_RATE = 150_000;

// ---- request bodies, built before any clock starts so that the client spends little CPU ----

const bodies: Buffer[] = [];
{
  let state = 12_345;
  const next = (n: number): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0; // an LCG: cheap and repeatable
    return state % n;
  };
  const count = Math.ceil((MAX_RATE * seconds) / batchSize) + clients * (WARMUP_BATCHES_PER_CLIENT + 2);
  for (let b = 0; b < count; b++) {
    const events = [];
    for (let i = 0; i < batchSize; i++) {
      const k = b * batchSize + i;
      events.push({ id: `ev-${k}`, user: `u${next(USERS)}`, item: `i${next(ITEMS)}`, type: next(4) === 0 ? 'like' : 'view', timestamp: 1_750_000_000_000 + k });
    }
    bodies.push(Buffer.from(JSON.stringify(events)));
  }
}

// ---- servers and CPU accounting ----

const scratch = mkdtempSync(join(tmpdir(), 'magpie-ingest-'));
const configFiles: Record<string, string> = {};
for (const mode of applyModes) {
  configFiles[mode] = join(scratch, `config-${mode}.json`);
  writeFileSync(configFiles[mode], JSON.stringify({ ingest: { waitForApply: mode === 'wait' }, training: { intervalMinutes: 0 } }));
}

/** The processes serving one row: their ports, in the order the clients spread over them. */
interface Servers {
  children: ChildProcess[];
  ports: number[];
}

/**
 * N server processes: on SQLite `serve --workers N` (one port, node:cluster); on Postgres, where
 * the CLI keeps --workers to SQLite, N separate `serve` replicas on one schema, on N ports.
 */
async function startServers(storage: string, storageUrl: string, workers: number, mode: string): Promise<Servers> {
  const ports = storage === 'sqlite' ? [port] : Array.from({ length: workers }, (_, i) => port + i);
  const children: ChildProcess[] = [];
  try {
    for (const p of ports) children.push(await startServer(storageUrl, p, storage === 'sqlite' ? workers : 1, mode));
  } catch (err) {
    await Promise.all(children.map(stopServer));
    throw err;
  }
  return { children, ports };
}

function startServer(storageUrl: string, serverPort: number, workers: number, mode: string): Promise<ChildProcess> {
  const args = ['bin/magpie.js', 'serve', '--storage', storageUrl, '--port', String(serverPort), '--host', '127.0.0.1'];
  args.push('--no-train', '--workers', String(workers), '--config', configFiles[mode]!);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes('Magpie is serving on')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      const why = seen.split('\n').find((l) => /^(\w*Error|error):/.test(l.trim())) ?? seen.trim().split('\n').slice(-1)[0];
      reject(new Error(`magpie serve exited (${signal ?? code}): ${why?.trim()}`));
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

/** User + system CPU seconds of the live processes that `pick` selects, from /proc (Linux). */
function cpuSeconds(pick: (pid: number, ppid: number, command: string) => boolean): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // The fields after the command: state ppid … utime (12th) stime (13th), in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (pick(Number(entry), Number(fields[1]), command)) total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}
const serverCpu = (root: number): number => cpuSeconds((pid, ppid) => pid === root || ppid === root);
const postgresCpu = (): number => cpuSeconds((_pid, _ppid, command) => command === 'postgres');

// ---- load ----

const agent = new Agent({ keepAlive: true, maxSockets: clients });

function post(serverPort: number, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': body.length };
    const req = request({ host: '127.0.0.1', port: serverPort, path: '/api/events', method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Status {
  counts: { events: number };
  logLag: number;
}
async function status(): Promise<Status> {
  return (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as Status;
}

interface RunResult {
  /** Acknowledged events per second of the timed phase. */
  rate: number;
  /** The same events over the timed phase plus the time the store took to catch up with the log. */
  storedRate: number;
  latenciesMs: number[];
  acknowledged: number;
  failed: number;
  stored: number;
  catchUpSeconds: number;
  serverCpu: number;
  postgresCpu: number;
}

async function runLoad(servers: Servers): Promise<RunResult> {
  let nextBody = 0;
  let acknowledged = 0;
  let failed = 0;
  let lastError = '';
  const latenciesMs: number[] = [];
  const send = async (client: number, timed: boolean): Promise<void> => {
    const body = bodies[nextBody++];
    if (body === undefined) throw new Error(`out of prepared bodies: raise MAX_RATE in bench/ingest.mts`);
    const t = performance.now();
    try {
      const res = await post(servers.ports[client % servers.ports.length]!, body);
      if (res.status === 200) acknowledged += batchSize;
      else {
        failed++;
        lastError = `${res.status} ${res.text.slice(0, 200)}`;
      }
    } catch (err) {
      failed++;
      lastError = String(err);
    }
    if (timed) latenciesMs.push(performance.now() - t);
  };
  const clientLoops = (loop: (client: number) => Promise<void>): Promise<void[]> =>
    Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
  const cpuOfServers = (): number => servers.children.reduce((sum, child) => sum + serverCpu(child.pid!), 0);

  // Warm-up, counted in the store check but not in the rate: JIT, caches, a second worker up.
  await clientLoops(async (client) => {
    for (let i = 0; i < WARMUP_BATCHES_PER_CLIENT; i++) await send(client, false);
  });
  const warmAcknowledged = acknowledged;
  const cpu0 = { server: cpuOfServers(), postgres: postgresCpu() };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await clientLoops(async (client) => {
    while (performance.now() < deadline) await send(client, true);
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = { server: cpuOfServers() - cpu0.server, postgres: postgresCpu() - cpu0.postgres };
  if (failed > 0) console.log(`    ${failed} requests failed, the last: ${lastError}`);

  // The store must then hold every acknowledged event once: the ids are fresh, so a count says it.
  const catchUpStart = performance.now();
  let s = await status();
  while (s.logLag !== 0 && performance.now() - catchUpStart < 120_000) {
    await new Promise((r) => setTimeout(r, 50));
    s = await status();
  }
  const catchUpSeconds = (performance.now() - catchUpStart) / 1000;
  // Again: a status counts the events before it measures the lag, so the last one may predate the end.
  s = await status();
  return {
    rate: (acknowledged - warmAcknowledged) / elapsed,
    storedRate: (acknowledged - warmAcknowledged) / (elapsed + catchUpSeconds),
    latenciesMs,
    acknowledged,
    failed,
    stored: s.counts.events,
    catchUpSeconds,
    serverCpu: cpu.server / elapsed,
    postgresCpu: cpu.postgres / elapsed,
  };
}

// ---- storages ----

let postgresSettings = '';
async function postgresSkipReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const show = async (name: string): Promise<string> => Object.values((await client.query(`SHOW ${name}`)).rows[0] as object)[0] as string;
    postgresSettings = `synchronous_commit = ${await show('synchronous_commit')}, fsync = ${await show('fsync')}`;
    return undefined;
  } catch (err) {
    return `no Postgres at ${PG_URL.replace(/\/\/[^@/]*@/, '//')}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh store for one run, and how to remove it afterwards. */
function freshStore(storage: string): { url: string; remove: () => Promise<void> } {
  if (storage === 'sqlite') {
    const dir = mkdtempSync(join(scratch, 'store-'));
    return { url: `sqlite:${join(dir, 'ingest.db')}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `magpie_bench_${randomBytes(5).toString('hex')}`;
  return {
    url: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    remove: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    },
  };
}

// ---- report ----

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: number[]): number => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number): number => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const pct = (x: number): string => `${Math.round(100 * x)}%`;

console.log(
  `node ${process.version}; ${clients} clients × batches of ${fmt(batchSize)} events (${fmt(USERS)} users × ${fmt(ITEMS)} items, ` +
    `like/view, fresh ids); ${seconds} s × ${runs} runs per row, a fresh store per run; load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log('durability: a 200 means the batch is committed to the event log on disk (SQLite: WAL, synchronous = FULL;');
console.log('  Postgres: the commit is flushed to its WAL) and so survives kill -9; with apply = wait (the default,');
console.log('  ingest.waitForApply) it is also applied to the store, with apply = async the store catches up afterwards');
const pgSkip = storages.includes('postgres') ? await postgresSkipReason() : undefined;
if (postgresSettings) console.log(`postgres server: ${postgresSettings}`);
console.log(
  `${'storage'.padEnd(8)} ${'procs'.padStart(5)} ${'apply'.padEnd(5)} ${'events/s'.padStart(8)} ${'(runs)'.padStart(24)} ` +
    `${'p50 ms'.padStart(6)} ${'p99 ms'.padStart(6)} ${'node CPU'.padStart(8)} ${'pg CPU'.padStart(6)} ${'catch-up'.padStart(8)} ${'stored/s'.padStart(8)}  store check`,
);

let allMet = true;
for (const storage of storages) {
  const goal = GOALS[storage];
  if (goal === undefined) throw new Error(`unknown storage "${storage}" (sqlite or postgres)`);
  if (storage === 'postgres' && pgSkip !== undefined) {
    console.log(`${storage.padEnd(8)} skipped: ${pgSkip}`);
    allMet = false;
    continue;
  }
  let best = 0;
  for (const workers of workerCounts) {
    for (const mode of applyModes) {
      const results: RunResult[] = [];
      let refused = '';
      for (let r = 0; r < runs && !refused; r++) {
        const store = freshStore(storage);
        try {
          const servers = await startServers(storage, store.url, workers, mode);
          try {
            results.push(await runLoad(servers));
          } finally {
            await Promise.all(servers.children.map(stopServer));
          }
        } catch (err) {
          refused = err instanceof Error ? err.message : String(err);
        } finally {
          await store.remove();
        }
      }
      const head = `${storage.padEnd(8)} ${String(workers).padStart(5)} ${mode.padEnd(5)}`;
      if (refused) {
        console.log(`${head} not run: ${refused}`);
        continue;
      }
      const rate = median(results.map((x) => x.rate));
      const storedRate = median(results.map((x) => x.storedRate));
      const exact = results.every((x) => x.stored === x.acknowledged);
      // The goal counts events in the store: an apply that falls behind the acknowledgements does not meet it.
      if (exact) best = Math.max(best, storedRate);
      else allMet = false;
      const latencies = results.flatMap((x) => x.latenciesMs);
      const check = exact
        ? `ok: stored = acknowledged (${results.reduce((a, x) => a + x.failed, 0)} failed requests)`
        : results.map((x) => `stored ${x.stored} ≠ acknowledged ${x.acknowledged}`).join('; ');
      console.log(
        `${head} ${fmt(rate).padStart(8)} ${results.map((x) => fmt(x.rate)).join(' / ').padStart(24)} ` +
          `${percentile(latencies, 50).toFixed(0).padStart(6)} ${percentile(latencies, 99).toFixed(0).padStart(6)} ` +
          `${pct(median(results.map((x) => x.serverCpu))).padStart(8)} ` +
          `${(storage === 'postgres' ? pct(median(results.map((x) => x.postgresCpu))) : '-').padStart(6)} ` +
          `${`${median(results.map((x) => x.catchUpSeconds)).toFixed(1)} s`.padStart(8)} ${fmt(storedRate).padStart(8)}  ${check}`,
      );
    }
  }
  if (best < goal) allMet = false;
  console.log(`  goal ≥ ${fmt(goal)} events/s stored into ${storage}: ${best >= goal ? 'met' : 'NOT met'} (best ${fmt(best)} stored/s)`);
}
agent.destroy();
rmSync(scratch, { recursive: true, force: true });
console.log(allMet ? 'all goals met' : 'some goals NOT met');
