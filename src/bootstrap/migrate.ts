import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig, type MagpieConfigInput } from '../config/index.js';
import type { StorageMigrationReport } from '../cli/index.js';
import { MIGRATIONS, openSqliteStores } from '../adapters/sqlite/index.js';
import { migratePostgres, parsePostgresUrl } from '../adapters/postgres/index.js';
import { parseStorageUrl } from './stores.js';

/**
 * `magpie migrate`: brings the configured store's schema to this version of Magpie. Opening
 * the stores migrates too; this is for doing it as a separate deployment step.
 */
export async function migrateStorage(overrides: MagpieConfigInput, file: string | undefined): Promise<StorageMigrationReport> {
  const config = loadConfig({ file, overrides });
  const target = parseStorageUrl(config.storage.url);
  if (target.kind === 'postgres') {
    const url = target.url ?? '';
    const result = await migratePostgres(url);
    return { backend: 'postgres', location: `${maskPassword(url)}, schema ${parsePostgresUrl(url).schema}`, ...result };
  }
  if (target.kind === 'memory' || target.path === ':memory:' || target.path === null) {
    return { backend: target.kind, location: config.storage.url, applied: [], current: 0, note: 'in-memory storage has no schema to migrate' };
  }
  // The SQLite adapter migrates whenever it opens a file; the versions applied are the ones
  // between PRAGMA user_version before and after.
  const path = target.path;
  const before = existsSync(path) ? sqliteUserVersion(path) : 0;
  mkdirSync(dirname(path), { recursive: true });
  await openSqliteStores(path).close();
  const current = sqliteUserVersion(path);
  const applied = MIGRATIONS.map((m) => m.version).filter((v) => v > before && v <= current);
  return { backend: 'sqlite', location: path, applied, current };
}

function sqliteUserVersion(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for printing. */
function maskPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
