import type Database from 'better-sqlite3';
import type {
  CtrQuery,
  CtrRow,
  Impression,
  ImpressionStore,
  LabelledImpression,
  Outcome,
} from '../../ports/index.js';
import { ctrRows } from '../shared/index.js';
import type { ConnectionLease } from './connection.js';

interface Row {
  request_id: string;
  position: number;
  user_id: string;
  item_id: string;
  surface: string;
  variant: string | null;
  source: string;
  score: number;
  features: string | null;
  ts: number;
  outcome: string | null;
}

const DIMENSION_COLUMN = { surface: 'surface', source: 'source', variant: "COALESCE(variant, '')" } as const;

/** Impressions on SQLite: one row per shown item, its outcome filled in when attributed. */
export class SqliteImpressionStore implements ImpressionStore {
  private readonly insert: Database.Statement<unknown[]>;
  private readonly byRequest: Database.Statement<unknown[]>;
  private readonly latestShown: Database.Statement<unknown[], { request_id: string; position: number; outcome: string | null }>;
  private readonly mark: Database.Statement<unknown[]>;
  private readonly appendAll: Database.Transaction<(batch: Impression[]) => void>;
  private readonly attributeAll: Database.Transaction<(outcomes: Outcome[], windowMs: number) => number>;

  constructor(private readonly lease: ConnectionLease) {
    const db = lease.db;
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO impressions
         (request_id, position, user_id, item_id, surface, variant, source, score, features, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byRequest = db.prepare(
      'UPDATE impressions SET outcome = ? WHERE request_id = ? AND user_id = ? AND item_id = ? AND outcome IS NULL',
    );
    this.latestShown = db.prepare(
      `SELECT request_id, position, outcome FROM impressions
       WHERE user_id = ? AND item_id = ? AND ts BETWEEN ? AND ? ORDER BY ts DESC LIMIT 1`,
    );
    this.mark = db.prepare('UPDATE impressions SET outcome = ? WHERE request_id = ? AND position = ?');
    this.appendAll = db.transaction((batch: Impression[]) => {
      for (const imp of batch) {
        for (const it of imp.items) {
          const features = it.features ? JSON.stringify(it.features) : null;
          this.insert.run(imp.requestId, it.position, imp.user, it.item, imp.surface, imp.variant ?? null, it.source, it.score, features, imp.time);
        }
      }
    });
    this.attributeAll = db.transaction((outcomes: Outcome[], windowMs: number) => {
      let attributed = 0;
      for (const o of outcomes) {
        if (o.requestId !== undefined) {
          attributed += this.byRequest.run(o.type, o.requestId, o.user, o.item).changes > 0 ? 1 : 0;
          continue;
        }
        const shown = this.latestShown.get(o.user, o.item, o.time - windowMs, o.time);
        if (shown && shown.outcome === null) attributed += this.mark.run(o.type, shown.request_id, shown.position).changes;
      }
      return attributed;
    });
  }

  async appendImpressions(batch: Impression[]): Promise<void> {
    this.lease.run('appendImpressions', () => this.appendAll.immediate(batch));
  }

  async attributeOutcomes(outcomes: Outcome[], windowMs: number): Promise<{ attributed: number }> {
    return this.lease.run('attributeOutcomes', () => ({ attributed: this.attributeAll.immediate(outcomes, windowMs) }));
  }

  async ctr(q: CtrQuery): Promise<CtrRow[]> {
    const conditions: [string, unknown][] = [];
    if (q.from !== undefined) conditions.push(['ts >= ?', q.from]);
    if (q.to !== undefined) conditions.push(['ts < ?', q.to]);
    if (q.surface !== undefined) conditions.push(['surface = ?', q.surface]);
    const where = conditions.map((c) => c[0]);
    const args = conditions.map((c) => c[1]);
    const sql =
      `SELECT ${DIMENSION_COLUMN[q.by]} AS key, COUNT(*) AS impressions, COUNT(outcome) AS clicks FROM impressions` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ' GROUP BY key';
    return this.lease.run('ctr', (db) => ctrRows(db.prepare(sql).all(...args) as { key: string; impressions: number; clicks: number }[]));
  }

  async *scanLabelled(opts: { from?: number | undefined; to?: number | undefined; batchSize: number }): AsyncIterable<LabelledImpression[]> {
    // Keyset paging on (ts, request_id, position), so batches never skip or repeat rows.
    let after: [number, string, number] = [-Infinity, '', -1];
    const to = opts.to ?? Number.MAX_SAFE_INTEGER;
    const from = opts.from ?? Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = this.lease.run('scanLabelled', (db) =>
        db
          .prepare(
            `SELECT * FROM impressions WHERE ts >= ? AND ts < ? AND (ts, request_id, position) > (?, ?, ?)
             ORDER BY ts, request_id, position LIMIT ?`,
          )
          .all(from, to, Math.max(after[0], Number.MIN_SAFE_INTEGER), after[1], after[2], opts.batchSize) as Row[],
      );
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      after = [last.ts, last.request_id, last.position];
      yield rows.map(labelledFrom);
    }
  }

  async close(): Promise<void> {
    this.lease.close();
  }
}

function labelledFrom(r: Row): LabelledImpression {
  return {
    requestId: r.request_id,
    position: r.position,
    user: r.user_id,
    item: r.item_id,
    surface: r.surface,
    variant: r.variant,
    source: r.source,
    score: r.score,
    features: r.features === null ? undefined : (JSON.parse(r.features) as number[]),
    time: r.ts,
    outcome: r.outcome,
  };
}
