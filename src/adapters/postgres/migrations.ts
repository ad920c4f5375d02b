import type pg from 'pg';
import { MagpieError } from '../../core/index.js';
import { advisoryKey, createPool, inTransaction, parsePostgresUrl, tablesOf } from './connection.js';
import type { PostgresOptions, Tables } from './connection.js';
import { translatePgError } from './postgres-errors.js';
import { coreSchema, impressionsSchema, leasesSchema, modelRegistrySchema } from './schema-sql.js';

/**
 * One step of the schema's history, recorded in magpie_migrations when applied. Steps are never
 * edited once released; a change to the schema is a new step at the end.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql(tables: Tables): string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  { version: 1, name: 'users, items, events, event log with offsets, models', sql: coreSchema },
  { version: 2, name: 'impressions with attributed outcomes', sql: impressionsSchema },
  { version: 3, name: 'leases (one trainer at a time)', sql: leasesSchema },
  { version: 4, name: 'model registry: state per version, promotion history', sql: modelRegistrySchema },
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]?.version ?? 0;

export interface MigrationResult {
  /** Versions this call applied, in order (empty when the schema was already current). */
  applied: number[];
  /** The schema's version afterwards. */
  current: number;
}

/**
 * Brings one schema up to date. Each step runs in its own transaction that first takes a
 * transaction-level advisory lock for the schema and re-reads the applied versions, so of two
 * processes migrating at once one applies the step and the other then sees it applied. DDL is
 * transactional in Postgres: a step that fails leaves nothing half-done.
 */
export async function runMigrations(pool: pg.Pool, schema: string): Promise<MigrationResult> {
  const tables = tablesOf(schema);
  let current = await appliedVersion(pool, schema, tables);
  checkNotNewer(current);
  const applied: number[] = [];
  for (const step of POSTGRES_MIGRATIONS) {
    if (step.version <= current) continue;
    current = await migrationStep(pool, `migrate to version ${step.version}`, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', advisoryKey('migrate', schema));
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${tables.schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${tables.migrations} (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const found = await maxVersion(client, tables);
      checkNotNewer(found);
      if (found >= step.version) return found;
      await client.query(step.sql(tables));
      await client.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, $2)`, [step.version, step.name]);
      applied.push(step.version);
      return step.version;
    });
  }
  return { applied, current };
}

/** Opens a short-lived pool for the URL (schema from `?schema=` or opts), migrates, closes it. */
export async function migratePostgres(url: string, opts: PostgresOptions = {}): Promise<MigrationResult> {
  const target = parsePostgresUrl(url, opts);
  const pool = createPool(target, { ...opts, poolSize: 1 });
  try {
    return await runMigrations(pool, target.schema);
  } finally {
    await pool.end();
  }
}

/** The version recorded in the schema, 0 when it has no migrations table yet (no lock taken). */
async function appliedVersion(pool: pg.Pool, schema: string, tables: Tables): Promise<number> {
  try {
    const reg = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${tables.migrations}`]);
    if (reg.rows[0]?.t == null) return 0;
    return await maxVersion(pool, tables);
  } catch (err) {
    throw translatePgError(`read schema version of ${schema}`, err);
  }
}

async function maxVersion(db: Pick<pg.Pool, 'query'>, tables: Tables): Promise<number> {
  const res = await db.query<{ v: number }>(`SELECT coalesce(max(version), 0)::int AS v FROM ${tables.migrations}`);
  return res.rows[0]?.v ?? 0;
}

function checkNotNewer(found: number): void {
  if (found > POSTGRES_SCHEMA_VERSION) {
    throw new MagpieError(
      'STORAGE_FAILED',
      `database schema version ${found} is newer than this Magpie understands (${POSTGRES_SCHEMA_VERSION}); upgrade Magpie`,
      { found, supported: POSTGRES_SCHEMA_VERSION },
    );
  }
}

async function migrationStep<T>(pool: pg.Pool, operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  try {
    return await inTransaction(pool, work);
  } catch (err) {
    throw translatePgError(operation, err);
  }
}
