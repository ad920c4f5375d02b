import type {
  CtrQuery,
  CtrRow,
  Impression,
  ImpressionStore,
  LabelledImpression,
  Outcome,
} from '../../ports/index.js';
import { ctrRows, labelledRows, packImpression } from '../shared/index.js';
import type { PgLease } from './connection.js';

interface Row {
  request_id: string;
  user_id: string;
  surface: string;
  variant: string | null;
  ts: number;
  item_ids: string[];
  positions: number[];
  sources: string[];
  scores: number[];
  features: Buffer | null;
  width: number;
  outcomes: (string | null)[];
  repeats: string | null;
}

/** The JSON record shape json_to_recordset reads a batch of lists from. */
const IMPRESSION_RECORD =
  'request_id text, user_id text, surface text, variant text, ts bigint, item_ids text[], positions integer[], sources text[], scores float8[], features bytea, width integer, repeats text';

/**
 * Impressions on Postgres, one row per served list with its shown items as parallel arrays, so
 * logging a response is one row and CTR by source is one GROUP BY over unnest(sources, outcomes).
 * A batch of lists goes in as one JSON document (one statement, whatever the batch size); a batch
 * of outcomes is attributed by one call of the attribute_outcomes function (one round trip).
 */
export class PostgresImpressionStore implements ImpressionStore {
  constructor(private readonly lease: PgLease) {}

  private get t() {
    return this.lease.tables;
  }

  async appendImpressions(batch: Impression[]): Promise<void> {
    const records = batch
      .filter((imp) => imp.items.length > 0)
      .map((imp) => {
        // A repeat (a cached list served again) keeps no features: readers take the first list's.
        const packed = imp.repeats === undefined ? packImpression(imp) : { features: null, width: 0 };
        return {
          request_id: imp.requestId,
          user_id: imp.user,
          surface: imp.surface,
          variant: imp.variant ?? null,
          ts: imp.time,
          item_ids: imp.items.map((it) => it.item),
          positions: imp.items.map((it) => it.position),
          sources: imp.items.map((it) => it.source),
          scores: imp.items.map((it) => it.score),
          features: packed.features === null ? null : `\\x${packed.features.toString('hex')}`,
          width: packed.width,
          repeats: imp.repeats ?? null,
        };
      });
    if (records.length === 0) return;
    await this.lease.query(
      'appendImpressions',
      `INSERT INTO ${this.t.impressions}
         (request_id, user_id, surface, variant, ts, item_ids, positions, sources, scores, features, width, outcomes, repeats)
       SELECT request_id, user_id, surface, variant, ts, item_ids, positions, sources, scores, features, width,
              array_fill(NULL::text, ARRAY[cardinality(item_ids)]), repeats
       FROM json_to_recordset($1::json) AS r(${IMPRESSION_RECORD})
       ON CONFLICT (request_id) DO NOTHING`,
      [JSON.stringify(records)],
    );
  }

  async attributeOutcomes(outcomes: Outcome[], windowMs: number): Promise<{ attributed: number }> {
    if (outcomes.length === 0) return { attributed: 0 };
    const rows = await this.lease.query<{ n: number }>(
      'attributeOutcomes',
      `SELECT ${this.t.attributeOutcomes}($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint) AS n`,
      [
        outcomes.map((o) => o.user),
        outcomes.map((o) => o.item),
        outcomes.map((o) => o.type),
        outcomes.map((o) => o.time),
        outcomes.map((o) => o.requestId ?? null),
        windowMs,
      ],
    );
    return { attributed: rows[0]?.n ?? 0 };
  }

  async ctr(q: CtrQuery): Promise<CtrRow[]> {
    const key = q.by === 'surface' ? 'i.surface' : q.by === 'source' ? 'x.source' : "coalesce(i.variant, '')";
    const params: unknown[] = [q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER];
    if (q.surface !== undefined) params.push(q.surface);
    const rows = await this.lease.query<{ key: string; impressions: number; clicks: number }>(
      'ctr',
      `SELECT ${key} AS key, count(*)::int AS impressions, count(x.outcome)::int AS clicks
       FROM ${this.t.impressions} i CROSS JOIN LATERAL unnest(i.sources, i.outcomes) AS x(source, outcome)
       WHERE i.ts >= $1 AND i.ts < $2 ${q.surface === undefined ? '' : 'AND i.surface = $3'}
       GROUP BY 1`,
      params,
    );
    return ctrRows(rows);
  }

  /** Keyset paging on (ts, request_id) over whole lists; a batch holds up to batchSize shown items. */
  async *scanLabelled(opts: { from?: number | undefined; to?: number | undefined; batchSize: number }): AsyncIterable<LabelledImpression[]> {
    const from = opts.from ?? Number.MIN_SAFE_INTEGER;
    const to = opts.to ?? Number.MAX_SAFE_INTEGER;
    const batchSize = Math.max(1, opts.batchSize);
    let after: [number, string] | null = null;
    let pending: LabelledImpression[] = [];
    for (;;) {
      const rows: Row[] = await this.lease.query<Row>(
        'scanLabelled',
        `SELECT i.request_id, i.user_id, i.surface, i.variant, i.ts, i.item_ids, i.positions, i.sources, i.scores,
                i.outcomes, i.repeats, coalesce(i.features, o.features) AS features,
                CASE WHEN i.repeats IS NULL THEN i.width ELSE coalesce(o.width, 0) END AS width
         FROM ${this.t.impressions} i LEFT JOIN ${this.t.impressions} o ON o.request_id = i.repeats
         WHERE i.ts >= $1 AND i.ts < $2 ${after === null ? '' : 'AND (i.ts, i.request_id) > ($4, $5)'}
         ORDER BY i.ts, i.request_id LIMIT $3`,
        after === null ? [from, to, batchSize] : [from, to, batchSize, after[0], after[1]],
      );
      const last = rows[rows.length - 1];
      if (last === undefined) break;
      after = [last.ts, last.request_id];
      for (const r of rows) {
        const head = { requestId: r.request_id, user: r.user_id, surface: r.surface, variant: r.variant, time: r.ts };
        const items = r.item_ids.map((item, k): [string, number, string, number] => [item, r.positions[k]!, r.sources[k]!, r.scores[k]!]);
        pending.push(...labelledRows(head, items, r.outcomes, r.features, r.width));
        while (pending.length >= batchSize) {
          yield pending.slice(0, batchSize);
          pending = pending.slice(batchSize);
        }
      }
    }
    if (pending.length > 0) yield pending;
  }

  close(): Promise<void> {
    return this.lease.close();
  }
}
