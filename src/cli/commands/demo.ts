import type { Command } from 'commander';
import { storageOverrides, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { say } from '../output.js';
import { progressReporter } from '../progress.js';

export function demoCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('demo')
    .description('Load the generated demo data set (movies, users, 90 days of feedback) into an empty store.')
    .option('--config <file>', 'JSON configuration file')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL')
    .action(async (o: StorageOptions) => {
      const engine = await createEngine(storageOverrides(o), {}, o.config);
      const progress = progressReporter();
      try {
        const r = await engine.seedDemo((done, total) => progress.update('events', done, total));
        progress.stop();
        say(r.seeded ? `loaded ${r.users} users, ${r.items} items, ${r.events} events` : `the store is not empty (${r.users} users, ${r.items} items, ${r.events} events): nothing loaded`);
      } finally {
        await engine.close();
      }
    });
}
