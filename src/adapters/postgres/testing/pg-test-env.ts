import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStores } from '../open-postgres-stores.js';
import type { PostgresStoresOptions } from '../open-postgres-stores.js';
import type { StoreBundle } from '../../shared/index.js';

/** The server the Postgres tests use; they skip, saying why, when it cannot be reached. */
export const PG_TEST_URL = process.env['MAGPIE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** undefined when the test server answers within about a second; otherwise why it did not. */
export async function postgresSkipReason(url = PG_TEST_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `no Postgres at ${url.replace(/\/\/[^@/]*@/, '//')}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other test run uses, so test files can share one server at the same time. */
export function randomSchema(prefix = 'magpie_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** One statement on a connection of its own (schemas are created and dropped outside any pool under test). */
export async function adminQuery(sql: string, params: unknown[] = [], url = PG_TEST_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export interface TestStores {
  stores: StoreBundle;
  schema: string;
  /** Closes the stores (again, if a test already did) and drops the schema. */
  close(): Promise<void>;
}

/** Stores in a fresh, migrated schema of the test server. */
export async function openTestStores(opts: PostgresStoresOptions = {}): Promise<TestStores> {
  const schema = randomSchema();
  const stores = await openPostgresStores(PG_TEST_URL, { ...opts, schema });
  return {
    stores,
    schema,
    async close() {
      try {
        await stores.close();
      } finally {
        await dropSchema(schema);
      }
    },
  };
}
