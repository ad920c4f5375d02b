import type { Command } from 'commander';
import { storageOverrides, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { say, parseIntOption } from '../output.js';

interface ServeOptions extends StorageOptions {
  port?: number;
  host?: string;
  demo?: boolean;
  train: boolean;
}

export function serveCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('serve')
    .description('Run the HTTP API with background log apply, model refresh and scheduled retraining.')
    .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory: or memory:')
    .option('-p, --port <n>', 'port to listen on (default 8080)', parseIntOption)
    .option('--host <host>', 'interface to listen on (default 0.0.0.0)')
    .option('--demo', 'load the generated demo data set when the store is empty')
    .option('--no-train', 'do not train when the server starts without models')
    .action(async (o: ServeOptions) => {
      const server = o.port !== undefined || o.host !== undefined ? { server: { port: o.port, host: o.host } } : {};
      const engine = await createEngine(
        { ...storageOverrides(o), ...(server as object), ...(o.demo ? { demo: true } : {}) },
        { log: (level, msg, extra) => say(`${level === 'info' ? '' : `${level}: `}${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`) },
        o.config,
      );
      if (engine.config.demo) {
        const r = await engine.seedDemo();
        if (r.seeded) say(`loaded the demo data set: ${r.users} users, ${r.items} items, ${r.events} events`);
      }
      const { url } = await engine.listen();
      const local = url.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
      say(`Magpie is serving on ${local}`);
      say(`  API reference   ${local}/docs`);
      say(`  try             curl ${local}/api/recommend/${engine.config.demo ? 'alice' : '<user>'}`);
      const onStart = engine.config.training.onStart;
      if (o.train && (onStart === 'always' || (onStart === 'if-missing' && !engine.models.get('main')))) {
        say('training the first models in the background…');
        engine.train().then(
          (s) => say(`models trained in ${s.seconds.toFixed(1)} s: ${s.models.map((m) => `${m.name} v${m.version}`).join(', ')}`),
          (err: Error) => say(`initial training did not run: ${err.message}`),
        );
      }
      const stop = async (signal: string): Promise<void> => {
        say(`${signal}: shutting down`);
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
