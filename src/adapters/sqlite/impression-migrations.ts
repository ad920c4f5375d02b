import type { Migration } from './migrations.js';

/**
 * The schema of the impressions file (<db>.impressions.db), versioned on its own. Impressions
 * live apart from acknowledged data so that logging every response neither takes the main file's
 * write lock (ingest keeps it) nor pays its fsyncs: see openSqliteStores.
 */
export const IMPRESSION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'impressions: served lists, one row per list, with attributed outcomes',
    up(db) {
      db.exec(`
        -- No foreign keys: what was shown stays measurable after a user or item is deleted.
        -- One row per served list keeps logging every response cheap (a few index inserts).
        -- A rowid table, and request ids that grow with time (UUID v7), so both unique keys
        -- append at the right edge of their b-trees.
        CREATE TABLE impressions (
          seq INTEGER PRIMARY KEY,
          request_id TEXT NOT NULL UNIQUE,
          user_id TEXT NOT NULL,
          surface TEXT NOT NULL,
          variant TEXT,
          ts INTEGER NOT NULL,
          items TEXT,                        -- JSON [[item, position, source, score], ...]; NULL
                                             -- for a repeat (the items are the repeated list's)
          features BLOB,                     -- float32 rows, width per item; NULL when none
          width INTEGER NOT NULL,
          outcomes TEXT,                     -- JSON array aligned with items; NULL: none yet
          repeats TEXT                       -- a list served again from the cache: the request
                                             -- id of the logged list whose features it shares
        );
        -- Attribution without a request id: the user's newest lists.
        CREATE INDEX impressions_by_user ON impressions (user_id, ts);
        CREATE INDEX impressions_by_time ON impressions (ts);
      `);
    },
  },
];
