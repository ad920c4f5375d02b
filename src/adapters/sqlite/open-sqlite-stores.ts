import { existsSync } from 'node:fs';
import { systemClock } from '../../core/index.js';
import type { Clock } from '../../core/index.js';
import type { StoreBundle } from '../shared/index.js';
import { SharedConnection, openDatabase } from './connection.js';
import type { SqliteOpenOptions } from './connection.js';
import { translateSqliteError } from './sqlite-errors.js';
import { IMPRESSION_MIGRATIONS } from './impression-migrations.js';
import { SqliteDataStore } from './sqlite-data-store.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { SqliteImpressionStore } from './sqlite-impression-store.js';
import { SqliteModelStore } from './sqlite-model-store.js';
import { SqliteExperimentStore } from './sqlite-experiment-store.js';

export interface SqliteStoresOptions extends SqliteOpenOptions {
  /** Stamps event log records (appended_at) and times leases; the system clock unless a test supplies one. */
  clock?: Clock | undefined;
}

/**
 * The embedded default: users, items, events, the event log and models in one SQLite file
 * behind one connection, impressions in a second file beside it (impressionsFileOf; ':memory:'
 * gives private in-memory databases, for tests). The connections close once all the stores are
 * closed, or at once through the bundle's close().
 * Throws STORAGE_FAILED when the file cannot be opened or its schema cannot be brought up to date.
 */
export function openSqliteStores(path: string, opts: SqliteStoresOptions = {}): StoreBundle {
  const connection = new SharedConnection(openDatabase(path, opts));
  let data: SqliteDataStore;
  let log: SqliteEventLog;
  let models: SqliteModelStore;
  let impressions: SqliteImpressionStore;
  let experiments: SqliteExperimentStore;
  let own: SharedConnection = connection;
  try {
    // Preparing the statements is where a damaged or foreign schema shows up.
    data = new SqliteDataStore(connection.lease('data store'));
    log = new SqliteEventLog(connection.lease('event log'), opts.clock ?? systemClock);
    models = new SqliteModelStore(connection.lease('model store'), opts.clock ?? systemClock);
    experiments = new SqliteExperimentStore(connection.lease('experiment store'));
    // Impressions (measurement, not acknowledged data) live in a file of their own, written
    // without syncs: logging every response then neither waits on the disk nor takes the main
    // file's write lock from ingest. Measured: ~20 µs per logged list against ~120 µs on a
    // connection to the main file, whose checkpoints must sync.
    const file = impressionsFileOf(path, opts.readonly ?? false);
    const readonly = file !== ':memory:' && (opts.readonly ?? false);
    // No busy timeout: its waits would block the event loop; the store retries asynchronously.
    // Opening (migrations) still waits, as the main file does.
    const side = openDatabase(file, { ...opts, readonly, durable: false, migrations: IMPRESSION_MIGRATIONS });
    side.pragma('busy_timeout = 0');
    own = new SharedConnection(side);
    impressions = new SqliteImpressionStore(own.lease('impression store'));
  } catch (err) {
    connection.db.close();
    if (own !== connection) own.db.close();
    throw translateSqliteError(`open ${path}`, err);
  }
  return {
    data,
    log,
    models,
    impressions,
    experiments,
    async close() {
      await Promise.all([data.close(), log.close(), models.close(), impressions.close(), experiments.close()]);
    },
  };
}

/**
 * Where the impressions of a database file live: magpie.db → magpie.impressions.db. A private
 * in-memory database gets a private in-memory one; a read-only opener of a file without logged
 * impressions gets an empty one in memory.
 */
export function impressionsFileOf(path: string, readonly: boolean): string {
  if (path === ':memory:') return ':memory:';
  const file = path.endsWith('.db') ? `${path.slice(0, -3)}.impressions.db` : `${path}.impressions.db`;
  return readonly && !existsSync(file) ? ':memory:' : file;
}
