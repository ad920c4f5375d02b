import type Database from 'better-sqlite3';
import type { FeedbackEvent } from '../../core/index.js';
import type { EventBucket, EventCountQuery, EventQuery, InsertEventsOptions } from '../../ports/index.js';
import { distinctInOrder, requirePositiveInteger, unknownReferencesError } from '../shared/index.js';
import { hasSqliteCode } from './sqlite-errors.js';
import { EVENT_COLUMNS, eventFromRow, eventParams } from './rows.js';
import type { EventRow } from './rows.js';
import type { SqliteCatalog } from './sqlite-catalog.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The three queries behind one history (a user's or an item's), one per kind of boundary. */
interface HistoryStatements {
  all: Statement<[string, number], EventRow>;
  before: Statement<[string, number, number], EventRow>;
  beforeWithId: Statement<[string, number, string, number], EventRow>;
}

/** Applied feedback events on SQLite: synchronous, errors translated by SqliteDataStore. */
export class SqliteEvents {
  private readonly insertEvent: Statement<unknown[]>;
  private readonly eventExists: Statement<[string], number>;
  private readonly byUser: HistoryStatements;
  private readonly byItem: HistoryStatements;
  private readonly eventsAfterRowid: Statement<[number, number], EventRow & { rowid: number }>;
  private readonly countAll: Statement<[], { users: number; items: number; events: number }>;
  private readonly countPerBucket: Statement<[{ from: number; to: number; bucket: number }], EventBucket>;
  private readonly insertBatch: Database.Transaction<(events: FeedbackEvent[], opts: InsertEventsOptions) => number>;

  constructor(
    private readonly db: Database.Database,
    private readonly catalog: SqliteCatalog,
  ) {
    // ON CONFLICT (id) DO NOTHING, not INSERT OR IGNORE: IGNORE would also silently drop rows
    // that break NOT NULL constraints, and those must fail loudly instead.
    this.insertEvent = db.prepare(
      `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.eventExists = db.prepare<[string], number>('SELECT 1 FROM events WHERE id = ?').pluck();
    this.byUser = historyStatements(db, 'user_id');
    this.byItem = historyStatements(db, 'item_id');
    this.eventsAfterRowid = db.prepare(
      `SELECT rowid, ${EVENT_COLUMNS} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    this.countAll = db.prepare(
      `SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM items) AS items,
              (SELECT COUNT(*) FROM events) AS events`,
    );
    this.countPerBucket = db.prepare(
      // better-sqlite3 binds numbers as REAL: the casts make the division an integer one.
      `SELECT (CAST(ts AS INTEGER) / CAST(:bucket AS INTEGER)) * CAST(:bucket AS INTEGER) AS start, COUNT(*) AS events
         FROM events WHERE ts >= :from AND ts < :to GROUP BY start ORDER BY start`,
    );
    this.insertBatch = db.transaction((events: FeedbackEvent[], opts: InsertEventsOptions): number => {
      if (!opts.createMissing) {
        let inserted = 0;
        for (const event of events) inserted += this.insertEvent.run(...eventParams(event)).changes;
        return inserted;
      }
      // Events first, with the foreign-key check deferred to COMMIT (the pragma lasts for this
      // transaction only), so that bare users and items are created only for events that were
      // really new: an ignored duplicate must have no effect at all.
      db.pragma('defer_foreign_keys = ON');
      const fresh = events.filter((event) => this.insertEvent.run(...eventParams(event)).changes > 0);
      // Distinct ids: a batch of 10k events usually names far fewer users and items.
      for (const id of distinctInOrder(fresh.map((e) => e.user))) this.catalog.ensureUser(id, opts.now);
      for (const id of distinctInOrder(fresh.map((e) => e.item))) this.catalog.ensureItem(id, opts.now);
      return fresh.length;
    });
  }

  /**
   * One transaction for the whole batch. Without createMissing, the foreign keys refuse an
   * event for an unknown user or item; the transaction then rolls back (nothing of the batch is
   * stored) and the unknown ids are looked up to say which were missing.
   */
  insert(events: FeedbackEvent[], opts: InsertEventsOptions): number {
    try {
      return this.insertBatch.immediate(events, opts);
    } catch (err) {
      if (!hasSqliteCode(err, 'SQLITE_CONSTRAINT_FOREIGNKEY')) throw err;
      // Name only the ids of events that would have been stored: stored ids and repeats within
      // the batch were ignored, so they cannot be what failed.
      const seen = new Set<string>();
      const wouldStore = events.filter((e) => {
        if (seen.has(e.id)) return false;
        seen.add(e.id);
        return this.eventExists.get(e.id) === undefined;
      });
      const users = this.catalog.missingUsers(wouldStore.map((e) => e.user));
      const items = this.catalog.missingItems(wouldStore.map((e) => e.item));
      throw unknownReferencesError(users, items);
    }
  }

  userHistory(user: string, q: EventQuery): FeedbackEvent[] {
    return history(this.byUser, user, q);
  }

  itemHistory(item: string, q: EventQuery): FeedbackEvent[] {
    return history(this.byItem, item, q);
  }

  /**
   * One scanEvents batch, keyset on rowid (the physical order, the cheapest to walk). Events
   * added during a scan may or may not be seen; none is ever seen twice.
   */
  batchAfter(afterRowid: number, batchSize: number): { events: FeedbackEvent[]; lastRowid: number } {
    const rows = this.eventsAfterRowid.all(afterRowid, batchSize);
    const last = rows[rows.length - 1];
    return { events: rows.map(eventFromRow), lastRowid: last === undefined ? afterRowid : last.rowid };
  }

  /** A scan of the events in range: no index on ts alone (the dashboard's chart is not hot). */
  eventCounts(q: EventCountQuery): EventBucket[] {
    return this.countPerBucket.all({ from: q.from, to: q.to, bucket: q.bucketMs });
  }

  counts(): { users: number; items: number; events: number } {
    const row = this.countAll.get();
    return row === undefined ? { users: 0, items: 0, events: 0 } : { ...row };
  }
}

function historyStatements(db: Database.Database, column: 'user_id' | 'item_id'): HistoryStatements {
  // Walks the (column, ts) index backwards; only events sharing a ts are sorted by id.
  const select = `SELECT ${EVENT_COLUMNS} FROM events WHERE ${column} = ?`;
  const order = 'ORDER BY ts DESC, id DESC LIMIT ?';
  return {
    all: db.prepare(`${select} ${order}`),
    before: db.prepare(`${select} AND ts < ? ${order}`),
    beforeWithId: db.prepare(`${select} AND (ts, id) < (?, ?) ${order}`),
  };
}

function history(statements: HistoryStatements, key: string, q: EventQuery): FeedbackEvent[] {
  requirePositiveInteger('limit', q.limit);
  const rows =
    q.before === undefined
      ? statements.all.all(key, q.limit)
      : q.beforeId === undefined
        ? statements.before.all(key, q.before, q.limit)
        : statements.beforeWithId.all(key, q.before, q.beforeId, q.limit);
  return rows.map(eventFromRow);
}
