import Database from 'better-sqlite3';
import { storeClosedError } from '../shared/index.js';
import { migrate, MIGRATIONS, type Migration } from './migrations.js';
import { translateSqliteError } from './sqlite-errors.js';

export interface SqliteOpenOptions {
  /** Open without write access: no migrations, every write fails with STORAGE_FAILED. */
  readonly?: boolean | undefined;
  /** How long a write waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number | undefined;
  /**
   * false: nothing is synced to disk (synchronous OFF): a crash of the process loses nothing,
   * but a crash of the machine may lose or damage the file. Only for a file of its own that holds
   * nothing acknowledged to anyone (impressions): a checkpoint run by such a connection on a
   * shared file would skip the sync of acknowledged commits too.
   */
  durable?: boolean | undefined;
  /** The schema steps of this file (the main file's by default). */
  migrations?: readonly Migration[] | undefined;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** Truncate the WAL back to this size after checkpoints, so one burst does not keep a huge file. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
const PAGE_CACHE_KIB = 64 * 1024;

/** Opens the database file, sets the pragmas every store relies on and migrates the schema. */
export function openDatabase(path: string, opts: SqliteOpenOptions = {}): Database.Database {
  const readonly = opts.readonly ?? false;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
    // First, so that switching to WAL below also waits for another process's lock.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    if (!readonly) {
      // WAL: readers never block the writer, and a commit is one sequential append to the log.
      db.pragma('journal_mode = WAL');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    }
    // FULL, not NORMAL: in WAL mode NORMAL syncs the WAL only at checkpoints, so a commit that
    // already returned can vanish on power loss or an OS crash. An acknowledged EventLog append
    // is a promise to the client that the event is kept, so every commit must reach the disk
    // (fsync of the WAL) before it returns. The cost is one fsync per transaction, which is why
    // every multi-row write here is batched into a single transaction.
    db.pragma(opts.durable === false ? 'synchronous = OFF' : 'synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // A 64 MiB page cache (default 2 MiB): event index pages stay in memory during ingest, where
    // inserts land all over the user and item indexes. Memory is taken only as pages are used.
    db.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
    migrate(db, readonly, opts.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db?.close();
    throw translateSqliteError(`open ${path}`, err);
  }
}

/**
 * One connection shared by several stores. Each store holds a lease; the connection closes when
 * the last lease is released, so stores can be closed one by one or all together.
 */
export class SharedConnection {
  private leases = 0;

  constructor(readonly db: Database.Database) {}

  lease(storeName: string): ConnectionLease {
    this.leases++;
    return new ConnectionLease(this, storeName);
  }

  /** Called once per lease. */
  release(): void {
    this.leases--;
    if (this.leases === 0 && this.db.open) this.db.close();
  }
}

/** A store's use of the shared connection: refuses work once closed and translates errors. */
export class ConnectionLease {
  private closed = false;

  constructor(
    private readonly connection: SharedConnection,
    private readonly storeName: string,
  ) {}

  get db(): Database.Database {
    return this.connection.db;
  }

  /** Runs one operation of the store; anything thrown comes out as a MagpieError. */
  run<T>(operation: string, work: (db: Database.Database) => T): T {
    if (this.closed) throw storeClosedError(this.storeName);
    try {
      return work(this.connection.db);
    } catch (err) {
      throw translateSqliteError(`${this.storeName}.${operation}`, err);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.release();
  }
}
