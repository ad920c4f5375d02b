import cluster from 'node:cluster';
import type { Command } from 'commander';
import type { MagpieConfigInput } from '../../config/index.js';
import { storageOverrides, type CliEngine, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { say, parseIntOption } from '../output.js';

interface ServeOptions extends StorageOptions {
  port?: number;
  host?: string;
  demo?: boolean;
  train: boolean;
  workers?: number;
  role?: string;
}

/** What `--role` sets: an API server never trains; a trainer (or all, the default) does. */
const ROLES = ['all', 'api', 'trainer'] as const;

const log = (level: string, msg: string, extra?: Record<string, unknown>): void =>
  say(`${level === 'info' ? '' : `${level}: `}${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`);

export function serveCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('serve')
    .description('Run the HTTP API with background log apply, model refresh and scheduled retraining.')
    .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]')
    .option('-p, --port <n>', 'port to listen on (default 8080)', parseIntOption)
    .option('--host <host>', 'interface to listen on (default 0.0.0.0)')
    .option('--demo', 'load the generated demo data set when the store is empty')
    .option('--no-train', 'do not train when the server starts without models')
    .option('--workers <n>', 'server processes sharing the port (node:cluster); 1 = this process only', parseIntOption)
    .option('--role <role>', 'all (serve and train, the default), api (serve, never train) or trainer (the one process that trains, beside api servers)')
    .action(async (o: ServeOptions) => {
      const server = o.port !== undefined || o.host !== undefined ? { server: { port: o.port, host: o.host } } : {};
      const role = o.role ?? 'all';
      if (!(ROLES as readonly string[]).includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, not "${role}"`);
      const overrides: MagpieConfigInput = {
        ...storageOverrides(o),
        ...(server as object),
        ...(o.demo ? { demo: true } : {}),
        ...(role === 'api' ? { training: { enabled: false } } : {}),
      };
      const workers = o.workers ?? 1;
      if (workers > 1 && cluster.isPrimary) return runPrimary(createEngine, overrides, o, workers);
      // In a cluster every worker keeps the training schedule: the store's training lease lets
      // one train at a time, and a worker that finds models younger than half an interval skips
      // its turn, so a worker that dies takes no training with it. Only the first worker trains
      // at start (the others would only be refused) and announces the server.
      const leader = !cluster.isWorker || cluster.worker?.id === 1;
      const engine = await createEngine(overrides, { log }, o.config);
      if (engine.config.demo && cluster.isPrimary) {
        const r = await engine.seedDemo();
        if (r.seeded) say(`loaded the demo data set: ${r.users} users, ${r.items} items, ${r.events} events`);
      }
      const { url } = await engine.listen();
      if (leader) announce(engine, url, workers);
      if (leader && o.train && engine.config.training.enabled) trainIfWanted(engine);
      const stop = async (signal: string): Promise<void> => {
        if (leader) say(`${signal}: shutting down`);
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

/**
 * The cluster's primary serves nothing itself: it loads the demo data once (so workers never
 * race to seed), then forks the workers, which share the port, and replaces any that dies.
 */
async function runPrimary(createEngine: EngineFactory, overrides: MagpieConfigInput, o: ServeOptions, workers: number): Promise<void> {
  const setup = await createEngine({ ...overrides, training: { intervalMinutes: 0 } }, { log }, o.config);
  const url = setup.config.storage.url;
  const shared = (url.startsWith('sqlite:') && url !== 'sqlite::memory:') || /^postgres(ql)?:\/\//.test(url);
  if (!shared) {
    await setup.close();
    throw new Error('--workers needs a storage every process can open (a sqlite:<file> or postgres:// URL)');
  }
  if (setup.config.demo) {
    const r = await setup.seedDemo();
    if (r.seeded) say(`loaded the demo data set: ${r.users} users, ${r.items} items, ${r.events} events`);
  }
  await setup.close();
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    say(`worker ${worker.id} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    say(`${signal}: shutting down ${workers} workers`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    let left = Object.keys(cluster.workers ?? {}).length;
    if (left === 0) process.exit(0);
    cluster.on('exit', () => {
      if (--left === 0) process.exit(0);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function announce(engine: CliEngine, url: string, workers: number): void {
  const local = url.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  say(`Magpie is serving on ${local}${workers > 1 ? ` (${workers} processes)` : ''}`);
  say(`  API reference   ${local}/docs`);
  say(`  dashboard       ${local}/dashboard/`);
  say(`  try             curl ${local}/api/recommend/${engine.config.demo ? 'alice' : '<user>'}`);
}

function trainIfWanted(engine: CliEngine): void {
  const onStart = engine.config.training.onStart;
  if (onStart === 'always' || (onStart === 'if-missing' && !engine.models.get('main'))) {
    say('training the first models in the background…');
    engine.train().then(
      (s) => say(`models trained in ${s.seconds.toFixed(1)} s: ${s.models.map((m) => `${m.name} v${m.version}`).join(', ')}`),
      (err: Error) => say(`initial training did not run: ${err.message}`),
    );
  }
}
