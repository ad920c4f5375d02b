import { Command, CommanderError } from 'commander';
import { isMagpieError } from '../core/index.js';
import type { EngineFactory, StorageMigrator } from './engine-port.js';
import { algorithmsCommand } from './commands/algorithms.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { modelsCommand } from './commands/models.js';
import { recommendCommand } from './commands/recommend.js';
import { serveCommand } from './commands/serve.js';
import { trainCommand } from './commands/train.js';
import { tuneCommand } from './commands/tune.js';

export const VERSION = '0.1.0';

export function buildProgram(createEngine: EngineFactory, migrateStorage?: StorageMigrator): Command {
  const program = new Command()
    .name('magpie')
    .description('Magpie: a recommendation engine. Collect feedback, train models, serve recommendations.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');
  serveCommand(program, createEngine);
  importCommand(program, createEngine);
  demoCommand(program, createEngine);
  trainCommand(program, createEngine);
  exportCommand(program, createEngine);
  evalCommand(program);
  tuneCommand(program);
  recommendCommand(program);
  algorithmsCommand(program);
  keysCommand(program);
  migrateCommand(program, migrateStorage);
  modelsCommand(program, createEngine);
  return program;
}

/** Runs the CLI; errors print as "error [CODE]: message" and set the exit code. */
export async function runCli(argv: string[], createEngine: EngineFactory, migrateStorage?: StorageMigrator): Promise<void> {
  const program = buildProgram(createEngine, migrateStorage).exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (isMagpieError(err)) {
      process.stderr.write(`error [${err.code}]: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
