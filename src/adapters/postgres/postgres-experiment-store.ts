import { MagpieError } from '../../core/index.js';
import type { Experiment, ExperimentStore, ShadowList, VariantHealth } from '../../ports/index.js';
import {
  experimentIdTaken,
  experimentNotFound,
  healthFromRows,
  healthRows,
  shadowListOf,
  startedExperiment,
  stoppedExperiment,
  surfaceBusy,
} from '../shared/index.js';
import type { PgLease } from './connection.js';
import { sqlStateOf } from './postgres-errors.js';

const UNIQUE_VIOLATION = '23505';

interface ShadowRow {
  seq: string;
  experiment_id: string;
  variant: string;
  user_id: string;
  ts: string;
  request_id: string;
  shown: string[];
  shadow: string[];
}

/**
 * Experiments on Postgres. A state change reads the row FOR UPDATE and writes it back in one
 * transaction; a partial unique index refuses a second running experiment on one surface.
 * Health deltas are upserted as sums, so every server's requests add to one total.
 */
export class PostgresExperimentStore implements ExperimentStore {
  constructor(private readonly lease: PgLease) {}

  private get t() {
    return this.lease.tables;
  }

  async create(experiment: Experiment): Promise<void> {
    try {
      await this.lease.transaction('create', async (client) => {
        await client.query(`INSERT INTO ${this.t.experiments} (id, surface, status, created_at, definition) VALUES ($1, $2, $3, $4, $5)`, [
          experiment.id,
          experiment.surface,
          experiment.status,
          experiment.createdAt,
          JSON.stringify(experiment),
        ]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw experimentIdTaken(experiment.id);
      throw err;
    }
  }

  async get(id: string): Promise<Experiment | null> {
    const rows = await this.lease.query<{ definition: Experiment }>('get', `SELECT definition FROM ${this.t.experiments} WHERE id = $1`, [id]);
    return rows[0]?.definition ?? null;
  }

  async list(): Promise<Experiment[]> {
    const rows = await this.lease.query<{ definition: Experiment }>(
      'list',
      `SELECT definition FROM ${this.t.experiments} ORDER BY created_at DESC, id`,
    );
    return rows.map((r) => r.definition);
  }

  async start(id: string, at: number): Promise<Experiment> {
    try {
      return (await this.transition('start', id, (e) => startedExperiment(e, at))).experiment;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const e = await this.get(id);
      throw surfaceBusy(e ?? { id, surface: '?' });
    }
  }

  stop(id: string, at: number, reason: string): Promise<{ experiment: Experiment; changed: boolean }> {
    return this.transition('stop', id, (e) => stoppedExperiment(e, at, reason));
  }

  async addHealth(id: string, deltas: VariantHealth[]): Promise<void> {
    const rows = healthRows(deltas);
    if (rows.length === 0) return;
    await this.lease.query(
      'addHealth',
      `INSERT INTO ${this.t.experimentHealth} AS h (experiment_id, variant, metric, count)
       SELECT $1, v, m, c FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(v, m, c)
       ON CONFLICT (experiment_id, variant, metric) DO UPDATE SET count = h.count + excluded.count`,
      [id, rows.map((r) => r.variant), rows.map((r) => r.metric), rows.map((r) => r.count)],
    );
  }

  async health(id: string): Promise<VariantHealth[]> {
    const rows = await this.lease.query<{ variant: string; metric: string; count: string }>(
      'health',
      `SELECT variant, metric, count FROM ${this.t.experimentHealth} WHERE experiment_id = $1`,
      [id],
    );
    return healthFromRows(rows.map((r) => ({ ...r, count: Number(r.count) })));
  }

  async appendShadow(lists: ShadowList[]): Promise<void> {
    if (lists.length === 0) return;
    await this.lease.query(
      'appendShadow',
      `INSERT INTO ${this.t.experimentShadow} (experiment_id, variant, user_id, ts, request_id, shown, shadow)
       SELECT x.experiment, x.variant, x."user", x."time", x."requestId", x.shown, x.shadow
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (experiment text, variant text, "user" text, "time" bigint, "requestId" text, shown jsonb, shadow jsonb))
         WITH ORDINALITY AS x(experiment, variant, "user", "time", "requestId", shown, shadow, n)
       ORDER BY x.n`,
      [JSON.stringify(lists)],
    );
  }

  async *scanShadow(id: string, batchSize: number): AsyncIterable<ShadowList[]> {
    let after = '0';
    for (;;) {
      const rows = await this.lease.query<ShadowRow>(
        'scanShadow',
        `SELECT * FROM ${this.t.experimentShadow} WHERE experiment_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [id, after, batchSize],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows.map((r) => shadowListOf(r, r.shown, r.shadow));
      if (rows.length < batchSize) return;
    }
  }

  close(): Promise<void> {
    return this.lease.close();
  }

  private async transition(
    operation: string,
    id: string,
    change: (e: Experiment) => Experiment | null,
  ): Promise<{ experiment: Experiment; changed: boolean }> {
    return this.lease.transaction(operation, async (client) => {
      const found = await client.query<{ definition: Experiment }>(`SELECT definition FROM ${this.t.experiments} WHERE id = $1 FOR UPDATE`, [id]);
      const before = found.rows[0]?.definition;
      if (!before) throw experimentNotFound(id);
      const after = change(before);
      if (!after) return { experiment: before, changed: false };
      await client.query(`UPDATE ${this.t.experiments} SET status = $1, definition = $2 WHERE id = $3`, [after.status, JSON.stringify(after), id]);
      return { experiment: after, changed: true };
    });
  }
}

/** A unique-index refusal, raw from pg or as the STORAGE_FAILED the lease translated it into. */
function isUniqueViolation(err: unknown): boolean {
  if (err instanceof MagpieError) {
    const details = err.details as { sqlState?: unknown } | undefined;
    return details?.sqlState === UNIQUE_VIOLATION;
  }
  return sqlStateOf(err) === UNIQUE_VIOLATION;
}
