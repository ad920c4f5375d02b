import { systemClock } from '../../core/index.js';
import type { Clock } from '../../core/index.js';
import type { StoreBundle } from '../shared/index.js';
import { SharedConnection, openDatabase } from './connection.js';
import type { SqliteOpenOptions } from './connection.js';
import { translateSqliteError } from './sqlite-errors.js';
import { SqliteDataStore } from './sqlite-data-store.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { SqliteImpressionStore } from './sqlite-impression-store.js';
import { SqliteModelStore } from './sqlite-model-store.js';

export interface SqliteStoresOptions extends SqliteOpenOptions {
  /** Stamps event log records (appended_at); the system clock unless a test supplies one. */
  clock?: Clock | undefined;
}

/**
 * The embedded default: users, items, events, the event log and models in one SQLite file,
 * behind one connection (impressions too) (':memory:' gives a private in-memory database, for tests). The
 * connection closes once all the stores are closed, or at once through the bundle's close().
 * Throws STORAGE_FAILED when the file cannot be opened or its schema cannot be brought up to date.
 */
export function openSqliteStores(path: string, opts: SqliteStoresOptions = {}): StoreBundle {
  const connection = new SharedConnection(openDatabase(path, opts));
  let data: SqliteDataStore;
  let log: SqliteEventLog;
  let models: SqliteModelStore;
  let impressions: SqliteImpressionStore;
  let own: SharedConnection = connection;
  try {
    // Preparing the statements is where a damaged or foreign schema shows up.
    data = new SqliteDataStore(connection.lease('data store'));
    log = new SqliteEventLog(connection.lease('event log'), opts.clock ?? systemClock);
    models = new SqliteModelStore(connection.lease('model store'));
    // Impressions (measurement, not acknowledged data) get their own connection without a sync
    // per commit, so logging every response never waits on the disk; ':memory:' must share.
    if (path !== ':memory:' && !opts.readonly) own = new SharedConnection(openDatabase(path, { ...opts, durable: false }));
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
    async close() {
      await Promise.all([data.close(), log.close(), models.close(), impressions.close()]);
    },
  };
}
