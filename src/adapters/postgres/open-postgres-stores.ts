import { systemClock } from '../../core/index.js';
import type { Clock } from '../../core/index.js';
import type { StoreBundle } from '../shared/index.js';
import { SharedPool, createPool, parsePostgresUrl } from './connection.js';
import type { PostgresOptions } from './connection.js';
import { runMigrations } from './migrations.js';
import { PostgresDataStore } from './postgres-data-store.js';
import { PostgresEventLog } from './postgres-event-log.js';
import { PostgresImpressionStore } from './postgres-impression-store.js';
import { PostgresModelStore } from './postgres-model-store.js';
import { PostgresExperimentStore } from './postgres-experiment-store.js';

export interface PostgresStoresOptions extends PostgresOptions {
  /** Stamps event log records (appended_at); the system clock unless a test supplies one. */
  clock?: Clock | undefined;
  /** Skip bringing the schema up to date (when `magpie migrate` is run as a separate step). */
  skipMigrations?: boolean | undefined;
}

/**
 * Users, items, events, the event log, models and impressions in one Postgres schema, behind
 * one pg.Pool that the four stores share; the pool ends once all of them are closed, or at once
 * through the bundle's close(). Migrates the schema first (safe with several processes opening
 * at once). Fails with UNAVAILABLE when the server cannot be reached.
 */
export async function openPostgresStores(url: string, opts: PostgresStoresOptions = {}): Promise<StoreBundle> {
  const target = parsePostgresUrl(url, opts);
  const pool = createPool(target, opts);
  try {
    if (!opts.skipMigrations) await runMigrations(pool, target.schema);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const shared = new SharedPool(pool, target.schema);
  const data = new PostgresDataStore(shared.lease('data store'));
  const log = new PostgresEventLog(shared.lease('event log'), opts.clock ?? systemClock);
  const models = new PostgresModelStore(shared.lease('model store'));
  const impressions = new PostgresImpressionStore(shared.lease('impression store'));
  const experiments = new PostgresExperimentStore(shared.lease('experiment store'));
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
