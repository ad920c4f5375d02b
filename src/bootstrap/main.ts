import { runCli } from '../cli/index.js';
import { createEngineFromEnv } from './engine.js';
import { migrateStorage } from './migrate.js';

/** The `magpie` executable. */
export function main(argv: string[]): Promise<void> {
  return runCli(argv, (overrides, opts, file) => createEngineFromEnv(overrides, opts, file), migrateStorage);
}
