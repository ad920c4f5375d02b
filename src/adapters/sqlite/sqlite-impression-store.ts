import type Database from 'better-sqlite3';
import type {
  CtrQuery,
  CtrRow,
  Impression,
  ImpressionStore,
  LabelledImpression,
  Outcome,
} from '../../ports/index.js';
import { ctrRows, labelledRows, packImpression, unpackItems } from '../shared/index.js';
import { isMagpieError } from '../../core/index.js';
import type { ConnectionLease } from './connection.js';
import { hasSqliteCode } from './sqlite-errors.js';

interface Row {
  request_id: string;
  user_id: string;
  surface: string;
  variant: string | null;
  ts: number;
  items: string | null;
  features: Uint8Array | null;
  width: number;
  outcomes: string | null;
  repeats: string | null;
}

type OutcomeRow = Pick<Row, 'request_id' | 'user_id' | 'items' | 'outcomes'>;

/**
 * Impressions with a repeat (a list served again from the cache, stored as a reference) joined
 * to the list it repeats: read items and features through COALESCE(i.x, o.x).
 */
const RESOLVED = 'impressions i LEFT JOIN impressions o ON o.request_id = i.repeats';
const OUTCOME_COLUMNS = 'i.request_id, i.user_id, COALESCE(i.items, o.items) AS items, i.outcomes';
const REFERENCE = { items: null, features: null, width: 0 } as const;
/** How long a write waits in all for other processes' locks on the impressions file. */
const BUSY_WAIT_MS = 5_000;

/**
 * Impressions on SQLite, one row per served list (its items and feature rows packed), so that
 * logging every response costs a few index inserts, not one row per shown item. Outcomes are a
 * JSON array aligned with the items.
 */
export class SqliteImpressionStore implements ImpressionStore {
  private readonly insert: Database.Statement<unknown[]>;
  private readonly byRequest: Database.Statement<[string], OutcomeRow>;
  private readonly recentOfUser: Database.Statement<[string, number, number], OutcomeRow>;
  private readonly setOutcomes: Database.Statement<[string, string]>;
  private readonly appendAll: Database.Transaction<(batch: Impression[]) => void>;
  private readonly attributeAll: Database.Transaction<(outcomes: Outcome[], windowMs: number) => number>;

  constructor(private readonly lease: ConnectionLease) {
    const db = lease.db;
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO impressions (request_id, user_id, surface, variant, ts, items, features, width, repeats)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byRequest = db.prepare(`SELECT ${OUTCOME_COLUMNS} FROM ${RESOLVED} WHERE i.request_id = ?`);
    this.recentOfUser = db.prepare(
      `SELECT ${OUTCOME_COLUMNS} FROM ${RESOLVED} WHERE i.user_id = ? AND i.ts BETWEEN ? AND ? ORDER BY i.ts DESC, i.request_id DESC`,
    );
    this.setOutcomes = db.prepare('UPDATE impressions SET outcomes = ? WHERE request_id = ?');
    this.appendAll = db.transaction((batch: Impression[]) => {
      for (const imp of batch) {
        if (imp.items.length === 0) continue;
        // A repeat is stored as a reference: its items and features are the earlier list's.
        const packed = imp.repeats === undefined ? packImpression(imp) : REFERENCE;
        this.insert.run(imp.requestId, imp.user, imp.surface, imp.variant ?? null, imp.time, packed.items, packed.features, packed.width, imp.repeats ?? null);
      }
    });
    this.attributeAll = db.transaction((outcomes: Outcome[], windowMs: number) => {
      let attributed = 0;
      for (const o of outcomes) {
        if (o.requestId !== undefined) {
          const row = this.byRequest.get(o.requestId);
          if (row && row.user_id === o.user && this.mark(row, o)) attributed++;
          continue;
        }
        // The newest list of the user in the window that showed the item.
        for (const row of this.recentOfUser.all(o.user, o.time - windowMs, o.time)) {
          if (unpackItems(row.items).some((t) => t[0] === o.item)) {
            if (this.mark(row, o)) attributed++;
            break;
          }
        }
      }
      return attributed;
    });
  }

  /** Sets the outcome of o.item in the row if it has none yet; true if it did. */
  private mark(row: OutcomeRow, o: Outcome): boolean {
    const items = unpackItems(row.items);
    const at = items.findIndex((t) => t[0] === o.item);
    if (at < 0) return false;
    const outcomes = row.outcomes ? (JSON.parse(row.outcomes) as (string | null)[]) : items.map(() => null);
    if (outcomes[at] !== null) return false;
    outcomes[at] = o.type;
    this.setOutcomes.run(JSON.stringify(outcomes), row.request_id);
    return true;
  }

  async appendImpressions(batch: Impression[]): Promise<void> {
    await this.write('appendImpressions', () => this.appendAll.immediate(batch));
  }

  async attributeOutcomes(outcomes: Outcome[], windowMs: number): Promise<{ attributed: number }> {
    return { attributed: await this.write('attributeOutcomes', () => this.attributeAll.immediate(outcomes, windowMs)) };
  }

  /**
   * A write transaction that waits for another process's lock without blocking the event loop.
   * The impressions connection has no busy timeout (SQLite's busy handler sleeps the whole
   * thread: with several server processes logging into one file, every collision stalled their
   * requests for up to 100 ms), so a busy file is retried after a short asynchronous pause.
   */
  private async write<T>(operation: string, work: () => T): Promise<T> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.lease.run(operation, work);
      } catch (err) {
        const busy = isMagpieError(err) && hasSqliteCode(err.cause, 'SQLITE_BUSY');
        if (!busy || Date.now() > deadline) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, 1 + attempt) * (0.5 + Math.random())));
    }
  }

  async ctr(q: CtrQuery): Promise<CtrRow[]> {
    const groups = new Map<string, { key: string; impressions: number; clicks: number }>();
    const add = (key: string, clicked: boolean): void => {
      const g = groups.get(key) ?? { key, impressions: 0, clicks: 0 };
      g.impressions++;
      if (clicked) g.clicks++;
      groups.set(key, g);
    };
    const surface = q.surface === undefined ? '' : ' AND i.surface = ?';
    const args: unknown[] = [q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, ...(q.surface === undefined ? [] : [q.surface])];
    this.lease.run('ctr', (db) => {
      const rows = db
        .prepare(`SELECT i.surface, i.variant, COALESCE(i.items, o.items) AS items, i.outcomes FROM ${RESOLVED} WHERE i.ts >= ? AND i.ts < ?${surface}`)
        .iterate(...args) as IterableIterator<Pick<Row, 'surface' | 'variant' | 'items' | 'outcomes'>>;
      for (const row of rows) {
        const items = unpackItems(row.items);
        const outcomes = row.outcomes ? (JSON.parse(row.outcomes) as (string | null)[]) : null;
        items.forEach((t, r) => {
          const key = q.by === 'surface' ? row.surface : q.by === 'source' ? t[2] : (row.variant ?? '');
          add(key, outcomes?.[r] != null);
        });
      }
    });
    return ctrRows([...groups.values()]);
  }

  async *scanLabelled(opts: { from?: number | undefined; to?: number | undefined; batchSize: number }): AsyncIterable<LabelledImpression[]> {
    // Keyset paging on (ts, request_id) over whole lists; a batch holds up to batchSize items.
    let after: [number, string] = [Number.MIN_SAFE_INTEGER, ''];
    const from = opts.from ?? Number.MIN_SAFE_INTEGER;
    const to = opts.to ?? Number.MAX_SAFE_INTEGER;
    let pending: LabelledImpression[] = [];
    for (;;) {
      const rows = this.lease.run('scanLabelled', (db) =>
        db
          .prepare(
            `SELECT i.request_id, i.user_id, i.surface, i.variant, i.ts, i.outcomes, i.repeats,
                    COALESCE(i.items, o.items) AS items, COALESCE(i.features, o.features) AS features,
                    CASE WHEN i.repeats IS NULL THEN i.width ELSE o.width END AS width
             FROM ${RESOLVED}
             WHERE i.ts >= ? AND i.ts < ? AND (i.ts > ? OR (i.ts = ? AND i.request_id > ?))
             ORDER BY i.ts, i.request_id LIMIT ?`,
          )
          .all(from, to, after[0], after[0], after[1], Math.max(1, opts.batchSize)) as Row[],
      );
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      after = [last.ts, last.request_id];
      for (const r of rows) {
        const head = { requestId: r.request_id, user: r.user_id, surface: r.surface, variant: r.variant, time: r.ts };
        const outcomes = r.outcomes ? (JSON.parse(r.outcomes) as (string | null)[]) : null;
        pending.push(...labelledRows(head, unpackItems(r.items), outcomes, r.features, r.width));
        while (pending.length >= opts.batchSize) {
          yield pending.slice(0, opts.batchSize);
          pending = pending.slice(opts.batchSize);
        }
      }
    }
    if (pending.length > 0) yield pending;
  }

  async close(): Promise<void> {
    this.lease.close();
  }
}
