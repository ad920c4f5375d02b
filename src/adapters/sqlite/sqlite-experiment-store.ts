import type Database from 'better-sqlite3';
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
import type { ConnectionLease } from './connection.js';
import { hasSqliteCode } from './sqlite-errors.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

interface ShadowRow {
  seq: number;
  experiment_id: string;
  variant: string;
  user_id: string;
  ts: number;
  request_id: string;
  shown: string;
  shadow: string;
}

/**
 * Experiments on SQLite, in the main file beside the models: every process on the file sees one
 * state. The Experiment is kept as JSON with its status mirrored in a column, so a partial
 * unique index can refuse a second running experiment on one surface whoever starts it.
 */
export class SqliteExperimentStore implements ExperimentStore {
  private readonly insert: Statement<[string, string, string, number, string]>;
  private readonly select: Statement<[string], string>;
  private readonly selectAll: Statement<[], string>;
  private readonly update: Statement<[string, string, string]>;
  private readonly addCount: Statement<[string, string, string, number]>;
  private readonly selectHealth: Statement<[string], { variant: string; metric: string; count: number }>;
  private readonly insertShadow: Statement<[string, string, string, number, string, string, string]>;
  private readonly selectShadow: Statement<[string, number, number], ShadowRow>;
  private readonly transition: Database.Transaction<(id: string, change: (e: Experiment) => Experiment | null) => { experiment: Experiment; changed: boolean }>;
  private readonly addAll: Database.Transaction<(id: string, rows: { variant: string; metric: string; count: number }[]) => void>;
  private readonly appendAll: Database.Transaction<(lists: ShadowList[]) => void>;

  constructor(private readonly lease: ConnectionLease) {
    const db = lease.db;
    this.insert = db.prepare('INSERT INTO experiments (id, surface, status, created_at, definition) VALUES (?, ?, ?, ?, ?)');
    this.select = db.prepare<[string], string>('SELECT definition FROM experiments WHERE id = ?').pluck();
    this.selectAll = db.prepare<[], string>('SELECT definition FROM experiments ORDER BY created_at DESC, id').pluck();
    this.update = db.prepare('UPDATE experiments SET status = ?, definition = ? WHERE id = ?');
    this.addCount = db.prepare(
      `INSERT INTO experiment_health (experiment_id, variant, metric, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (experiment_id, variant, metric) DO UPDATE SET count = count + excluded.count`,
    );
    this.selectHealth = db.prepare('SELECT variant, metric, count FROM experiment_health WHERE experiment_id = ?');
    this.insertShadow = db.prepare(
      'INSERT INTO experiment_shadow (experiment_id, variant, user_id, ts, request_id, shown, shadow) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectShadow = db.prepare('SELECT * FROM experiment_shadow WHERE experiment_id = ? AND seq > ? ORDER BY seq LIMIT ?');
    // Read, decide and write in one IMMEDIATE transaction: another process cannot slip in between.
    this.transition = db.transaction((id, change) => {
      const json = this.select.get(id);
      if (json === undefined) throw experimentNotFound(id);
      const before = JSON.parse(json) as Experiment;
      const after = change(before);
      if (!after) return { experiment: before, changed: false };
      this.update.run(after.status, JSON.stringify(after), id);
      return { experiment: after, changed: true };
    });
    this.addAll = db.transaction((id, rows) => {
      for (const r of rows) this.addCount.run(id, r.variant, r.metric, r.count);
    });
    this.appendAll = db.transaction((lists) => {
      for (const l of lists) {
        this.insertShadow.run(l.experiment, l.variant, l.user, l.time, l.requestId, JSON.stringify(l.shown), JSON.stringify(l.shadow));
      }
    });
  }

  async create(experiment: Experiment): Promise<void> {
    this.lease.run('create', () => {
      try {
        this.insert.run(experiment.id, experiment.surface, experiment.status, experiment.createdAt, JSON.stringify(experiment));
      } catch (err) {
        if (hasSqliteCode(err, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw experimentIdTaken(experiment.id);
        if (hasSqliteCode(err, 'SQLITE_CONSTRAINT_UNIQUE')) throw surfaceBusy(experiment);
        throw err;
      }
    });
  }

  async get(id: string): Promise<Experiment | null> {
    return this.lease.run('get', () => {
      const json = this.select.get(id);
      return json === undefined ? null : (JSON.parse(json) as Experiment);
    });
  }

  async list(): Promise<Experiment[]> {
    return this.lease.run('list', () => this.selectAll.all().map((json) => JSON.parse(json) as Experiment));
  }

  async start(id: string, at: number): Promise<Experiment> {
    return this.lease.run('start', () => {
      try {
        return this.transition.immediate(id, (e) => startedExperiment(e, at)).experiment;
      } catch (err) {
        if (hasSqliteCode(err, 'SQLITE_CONSTRAINT_UNIQUE')) {
          const e = this.select.get(id);
          throw surfaceBusy(e === undefined ? { id, surface: '?' } : (JSON.parse(e) as Experiment));
        }
        throw err;
      }
    });
  }

  async stop(id: string, at: number, reason: string): Promise<{ experiment: Experiment; changed: boolean }> {
    return this.lease.run('stop', () => this.transition.immediate(id, (e) => stoppedExperiment(e, at, reason)));
  }

  async addHealth(id: string, deltas: VariantHealth[]): Promise<void> {
    const rows = healthRows(deltas);
    if (rows.length === 0) return;
    this.lease.run('addHealth', () => this.addAll.immediate(id, rows));
  }

  async health(id: string): Promise<VariantHealth[]> {
    return this.lease.run('health', () => healthFromRows(this.selectHealth.all(id)));
  }

  async appendShadow(lists: ShadowList[]): Promise<void> {
    if (lists.length === 0) return;
    this.lease.run('appendShadow', () => this.appendAll.immediate(lists));
  }

  async *scanShadow(id: string, batchSize: number): AsyncIterable<ShadowList[]> {
    let after = 0;
    for (;;) {
      const rows = this.lease.run('scanShadow', () => this.selectShadow.all(id, after, batchSize));
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows.map((r) => shadowListOf(r, JSON.parse(r.shown) as string[], JSON.parse(r.shadow) as string[]));
      if (rows.length < batchSize) return;
    }
  }

  async close(): Promise<void> {
    this.lease.close();
  }
}
