import pg from 'pg';
import { MagpieError } from '../../core/index.js';
import { storeClosedError } from '../shared/index.js';
import { translatePgError } from './postgres-errors.js';

export interface PostgresOptions {
  /** The schema holding Magpie's tables; overrides `?schema=` in the URL (default `public`). */
  schema?: string | undefined;
  /** Connections in the pool (default 10). */
  poolSize?: number | undefined;
  /** How long getting a connection may take before the call fails with UNAVAILABLE (ms, default 5,000). */
  connectTimeoutMs?: number | undefined;
  /** Errors of idle pooled connections (the server restarted…); the next query reconnects. */
  onIdleError?: ((err: Error) => void) | undefined;
}

export interface PostgresTarget {
  /** The connection string handed to pg, without Magpie's own query parameters. */
  connectionString: string;
  schema: string;
}

/** Unquoted-identifier rules, so the name is safe to splice into SQL and means one schema. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Splits Magpie's `schema` query parameter off a postgres:// URL. The rest of the URL, query
 * included, goes to pg untouched (sslmode, application_name…).
 */
export function parsePostgresUrl(url: string, opts: PostgresOptions = {}): PostgresTarget {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new MagpieError('CONFIG_INVALID', `"${url}" is not a postgres:// or postgresql:// URL`);
  }
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const fromUrl = params.get('schema');
  params.delete('schema');
  const rest = params.toString();
  const schema = opts.schema ?? fromUrl ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new MagpieError(
      'CONFIG_INVALID',
      `postgres schema "${schema}" must be lower-case letters, digits and _ (not starting with a digit)`,
      { schema },
    );
  }
  return { connectionString: (q < 0 ? url : url.slice(0, q)) + (rest ? `?${rest}` : ''), schema };
}

/** bigint columns (ms timestamps, seqs, counts) as JS numbers: all stay far below 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export function createPool(target: PostgresTarget, opts: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    types: TYPES,
    application_name: 'magpie',
  });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (err) => opts.onIdleError?.(err));
  return pool;
}

/**
 * The two int4 keys of one of Magpie's advisory locks for a schema: the first says what the lock
 * guards, the second (FNV-1a of the schema name) which schema, the same in every process.
 * Advisory locks are database-wide, so schemas in one database do not wait for each other.
 */
export function advisoryKey(purpose: 'migrate' | 'references', schema: string): [number, number] {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  // "MAGM" and "MAGR".
  return [purpose === 'migrate' ? 0x4d41474d : 0x4d414752, h | 0];
}

/** Table names of one schema, quoted and qualified, for splicing into SQL. */
export function tablesOf(schema: string) {
  const t = (name: string): string => `"${schema}"."${name}"`;
  return {
    schema: `"${schema}"`,
    migrations: t('magpie_migrations'),
    users: t('users'),
    items: t('items'),
    itemCategories: t('item_categories'),
    events: t('events'),
    eventLog: t('event_log'),
    logHead: t('log_head'),
    logOffsets: t('log_offsets'),
    models: t('models'),
    modelParts: t('model_parts'),
    modelHeads: t('model_heads'),
    modelPromotions: t('model_promotions'),
    impressions: t('impressions'),
    attributeOutcomes: t('attribute_outcomes'),
    leases: t('leases'),
  };
}

export type Tables = ReturnType<typeof tablesOf>;

/** A pool several stores share; it ends when the last store holding a lease lets go. */
export class SharedPool {
  private leases = 0;
  private ended: Promise<void> | undefined;

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    readonly tables: Tables = tablesOf(schema),
  ) {}

  lease(storeName: string): PgLease {
    this.leases++;
    return new PgLease(this, storeName);
  }

  release(): Promise<void> {
    this.leases--;
    if (this.leases > 0) return Promise.resolve();
    this.ended ??= this.pool.end();
    return this.ended;
  }
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** One store's use of the shared pool: refuses work once closed and translates every error. */
export class PgLease {
  private closed = false;

  constructor(
    private readonly shared: SharedPool,
    private readonly storeName: string,
  ) {}

  get tables(): Tables {
    return this.shared.tables;
  }

  get schema(): string {
    return this.shared.schema;
  }

  /** One statement on any pooled connection (autocommit). */
  async query<R extends pg.QueryResultRow>(operation: string, sql: string, params: unknown[] = []): Promise<R[]> {
    this.assertOpen();
    try {
      return (await this.shared.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw translatePgError(`${this.storeName}.${operation}`, err);
    }
  }

  /**
   * Runs work inside BEGIN … COMMIT on one connection, rolling back if it throws. `durable`
   * forces synchronous_commit on for this transaction, whatever the server's default, so COMMIT
   * returns only once the WAL record is flushed.
   */
  async transaction<T>(operation: string, work: (client: Queryable) => Promise<T>, durable = false): Promise<T> {
    this.assertOpen();
    try {
      return await inTransaction(this.shared.pool, work, durable ? 'BEGIN; SET LOCAL synchronous_commit TO on' : 'BEGIN');
    } catch (err) {
      throw translatePgError(`${this.storeName}.${operation}`, err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.shared.release();
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError(this.storeName);
  }
}

/**
 * BEGIN, work, COMMIT on a connection of the pool; ROLLBACK and rethrow (untranslated) if work
 * throws. While the connection is checked out it has an 'error' listener of its own: pg emits
 * 'error' on a client whose server connection drops, and the pool listens only to idle ones, so
 * without it a database restart in the middle of a transaction would crash the process. The
 * failure still reaches the caller through the query that was running.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  const release = (err?: Error): void => {
    client.removeListener('error', ignore);
    client.release(err);
  };
  let result: T;
  try {
    await client.query(begin);
    result = await work(client);
    await client.query('COMMIT');
  } catch (err) {
    // A failed ROLLBACK means the connection is broken: destroy it rather than pool it.
    const broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackErr: unknown) => (rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr))),
    );
    release(broken);
    throw err;
  }
  release();
  return result;
}
