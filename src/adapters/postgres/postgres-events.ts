import type { FeedbackEvent } from '../../core/index.js';
import type { EventBucket, EventCountQuery, EventQuery, InsertEventsOptions, StoreCounts } from '../../ports/index.js';
import { bareItem, requirePositiveInteger, unknownReferencesError } from '../shared/index.js';
import { advisoryKey } from './connection.js';
import type { PgLease } from './connection.js';
import { EVENT_COLUMNS, eventFromRow } from './rows.js';
import type { EventRow } from './rows.js';
import type { PostgresCatalog } from './postgres-catalog.js';

/** Applied feedback events on Postgres. */
export class PostgresEvents {
  constructor(
    private readonly lease: PgLease,
    private readonly catalog: PostgresCatalog,
  ) {}

  private get t() {
    return this.lease.tables;
  }

  /**
   * The whole batch in one statement, inside a transaction that holds the "references" lock
   * shared (deletes of users and items take it exclusively; see PostgresCatalog). The events go
   * in through json_to_recordset() of the batch and ON CONFLICT (id) DO NOTHING skips ids
   * already stored. With createMissing, two more parts of the statement create bare users and
   * items for the events that were really new. Without it, the statement first looks for new
   * events naming unknown users or items, and inserts nothing if there are any.
   */
  async insert(events: FeedbackEvent[], opts: InsertEventsOptions): Promise<number> {
    // Repeats within the batch are dropped here so that the first copy is the one kept.
    const batch = firstOfEachId(events);
    if (batch.length === 0) return 0;
    // One JSON document, split into rows by the server: measured several times cheaper, here and
    // there, than one array per column (pg's array quoting and Postgres's array parsing of long
    // strings both cost ~10 µs per element).
    const rows = `json_to_recordset($1::json)
      AS e(id text, "user" text, item text, type text, value float8, "timestamp" bigint, context json)`;
    // Rows in id order: two batches sharing new ids then lock them in the same order.
    const insert = (from: string, where: string): string => `INSERT INTO ${this.t.events} (${EVENT_COLUMNS})
      SELECT id, "user", item, type, value, "timestamp", context FROM ${from} ${where}
      ORDER BY id COLLATE "C"
      ON CONFLICT (id) DO NOTHING`;
    const result = await this.lease.transaction('insertEvents', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock_shared($1, $2)', advisoryKey('references', this.lease.schema));
      if (!opts.createMissing) {
        const res = await client.query<{ inserted: number; refused: number }>(
          `WITH batch AS MATERIALIZED (SELECT * FROM ${rows}),
           refused AS (
             SELECT 1 FROM batch b
             WHERE NOT EXISTS (SELECT 1 FROM ${this.t.events} x WHERE x.id = b.id)
               AND (NOT EXISTS (SELECT 1 FROM ${this.t.users} u WHERE u.id = b."user")
                 OR NOT EXISTS (SELECT 1 FROM ${this.t.items} i WHERE i.id = b.item))),
           fresh AS (${insert('batch', 'WHERE NOT EXISTS (SELECT 1 FROM refused)')} RETURNING 1)
           SELECT (SELECT count(*) FROM fresh)::int AS inserted, (SELECT count(*) FROM refused)::int AS refused`,
          [JSON.stringify(batch)],
        );
        return res.rows[0] ?? { inserted: 0, refused: 0 };
      }
      const bare = bareItem('', opts.now);
      const res = await client.query<{ inserted: number }>(
        `WITH fresh AS (${insert(rows, '')} RETURNING user_id, item_id),
         new_users AS (
           INSERT INTO ${this.t.users} (id, attributes, created_at)
           SELECT DISTINCT user_id, '{}'::jsonb, $2::bigint FROM fresh ORDER BY 1
           ON CONFLICT (id) DO NOTHING),
         new_items AS (
           INSERT INTO ${this.t.items} (id, kind, title, "text", categories, tags, "numeric", embedding, created_at, hidden)
           SELECT DISTINCT item_id, $3, item_id, '', '{}'::text[], '{}'::text[], '{}'::jsonb, NULL::bytea, $2::bigint, false
           FROM fresh ORDER BY 1
           ON CONFLICT (id) DO NOTHING)
         SELECT count(*)::int AS inserted FROM fresh`,
        [JSON.stringify(batch), opts.now, bare.kind],
      );
      return { inserted: res.rows[0]?.inserted ?? 0, refused: 0 };
    });
    if (result.refused > 0) throw await this.unknownReferences(batch);
    return result.inserted;
  }

  async userHistory(user: string, q: EventQuery): Promise<FeedbackEvent[]> {
    return this.history('userEvents', 'user_id', user, q);
  }

  async itemHistory(item: string, q: EventQuery): Promise<FeedbackEvent[]> {
    return this.history('itemEvents', 'item_id', item, q);
  }

  /** One scanEvents batch, keyset on the primary key: none is ever seen twice. */
  async batchAfter(afterId: string | null, batchSize: number): Promise<FeedbackEvent[]> {
    const rows = await this.lease.query<EventRow>(
      'scanEvents',
      `SELECT ${EVENT_COLUMNS} FROM ${this.t.events} ${afterId === null ? '' : 'WHERE id > $2'} ORDER BY id LIMIT $1`,
      afterId === null ? [batchSize] : [batchSize, afterId],
    );
    return rows.map(eventFromRow);
  }

  async eventCounts(q: EventCountQuery): Promise<EventBucket[]> {
    const rows = await this.lease.query<{ start: string; events: number }>(
      'eventCounts',
      `SELECT (ts / $3) * $3 AS start, count(*)::int AS events FROM ${this.t.events}
        WHERE ts >= $1 AND ts < $2 GROUP BY ts / $3 ORDER BY start`,
      [q.from, q.to, q.bucketMs],
    );
    return rows.map((r) => ({ start: Number(r.start), events: r.events }));
  }

  async counts(): Promise<StoreCounts> {
    const rows = await this.lease.query<StoreCounts>(
      'counts',
      `SELECT (SELECT count(*) FROM ${this.t.users})::int AS users, (SELECT count(*) FROM ${this.t.items})::int AS items,
              (SELECT count(*) FROM ${this.t.events})::bigint AS events`,
    );
    return rows[0] ?? { users: 0, items: 0, events: 0 };
  }

  /**
   * The error for a batch naming unknown users or items: names only the ids of events that would have
   * been stored (ids already stored were ignored, so they cannot be what failed).
   */
  private async unknownReferences(batch: FeedbackEvent[]): Promise<Error> {
    const stored = await this.lease.query<{ id: string }>(
      'insertEvents',
      `SELECT id FROM ${this.t.events} WHERE id = ANY ($1::text[])`,
      [batch.map((e) => e.id)],
    );
    const known = new Set(stored.map((r) => r.id));
    const wouldStore = batch.filter((e) => !known.has(e.id));
    const users = await this.catalog.missingUsers(wouldStore.map((e) => e.user));
    const items = await this.catalog.missingItems(wouldStore.map((e) => e.item));
    return unknownReferencesError(users, items);
  }

  /** Newest first along the (key, ts) index; events sharing a ts are ordered by id descending. */
  private async history(operation: string, column: 'user_id' | 'item_id', key: string, q: EventQuery): Promise<FeedbackEvent[]> {
    requirePositiveInteger('limit', q.limit);
    const select = `SELECT ${EVENT_COLUMNS} FROM ${this.t.events} WHERE ${column} = $1`;
    const order = 'ORDER BY ts DESC, id DESC LIMIT $2';
    const rows =
      q.before === undefined
        ? await this.lease.query<EventRow>(operation, `${select} ${order}`, [key, q.limit])
        : q.beforeId === undefined
          ? await this.lease.query<EventRow>(operation, `${select} AND ts < $3 ${order}`, [key, q.limit, q.before])
          : await this.lease.query<EventRow>(
              operation,
              // ts <= $3 is what the index can use; the row comparison then trims the boundary.
              `${select} AND ts <= $3 AND (ts, id) < ($3, $4) ${order}`,
              [key, q.limit, q.before, q.beforeId],
            );
    return rows.map(eventFromRow);
  }
}

function firstOfEachId(events: FeedbackEvent[]): FeedbackEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
}
