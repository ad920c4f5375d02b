import type { Command } from 'commander';
import { MagpieError } from '../../core/index.js';
import { storageOverrides, type StorageMigrator, type StorageOptions } from '../engine-port.js';

export function migrateCommand(program: Command, migrate: StorageMigrator | undefined): void {
  program
    .command('migrate')
    .description("Bring the configured store's schema up to date (any process opening it does too) and print the versions applied.")
    .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path> or postgres://user@host:5432/db[?schema=name]')
    .action(async (o: StorageOptions) => {
      if (migrate === undefined) throw new MagpieError('INTERNAL', 'this build of the CLI cannot migrate storage');
      const report = await migrate(storageOverrides(o), o.config);
      process.stdout.write(`storage: ${report.location} (${report.backend})\n`);
      if (report.note !== undefined) {
        process.stdout.write(`nothing to migrate: ${report.note}\n`);
        return;
      }
      const applied = report.applied.length === 0 ? 'none (already current)' : report.applied.join(', ');
      process.stdout.write(`applied: ${applied}\ncurrent: ${report.current}\n`);
    });
}
