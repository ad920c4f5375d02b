import type Database from 'better-sqlite3';
import { MagpieError, systemClock, type Clock } from '../../core/index.js';
import type { ModelMeta, ModelState, ModelStore, NewModel, PromotionRecord, StoredModel } from '../../ports/index.js';
import { requirePositiveInteger } from '../shared/index.js';
import type { ConnectionLease } from './connection.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The registry columns beside the meta JSON (which holds what was saved, never changed after). */
interface MetaRow {
  meta: string;
  state: ModelState;
  promoted_at: number | null;
}

interface ModelRow extends MetaRow {
  blob: Uint8Array;
}

interface PromotionRow {
  seq: number;
  version: number;
  promoted_at: number;
  rolled_back_at: number | null;
}

const META_COLUMNS = 'meta, state, promoted_at';

/** Trained models on SQLite, one row per (name, version), blob beside its metadata. */
export class SqliteModelStore implements ModelStore {
  private readonly selectLatestVersion: Statement<[string], number>;
  private readonly insertModel: Statement<[string, number, string, Uint8Array]>;
  private readonly selectLatest: Statement<[string], ModelRow>;
  private readonly selectVersion: Statement<[string, number], ModelRow>;
  private readonly selectMeta: Statement<[string, number], MetaRow>;
  private readonly selectServingVersion: Statement<[string], number>;
  private readonly listAll: Statement<[], MetaRow>;
  private readonly listByName: Statement<[string], MetaRow>;
  private readonly selectPromotions: Statement<[string], PromotionRow>;
  private readonly promoteTx: Database.Transaction<(name: string, version: number, now: number) => ModelMeta>;
  private readonly rollbackTx: Database.Transaction<(name: string, now: number) => ModelMeta>;
  private readonly saveModel: Database.Transaction<(meta: NewModel, blob: Uint8Array) => ModelMeta>;
  private readonly takeLease: Statement<[{ name: string; holder: string; now: number; ttl: number }]>;
  private readonly freeLease: Statement<[string, string]>;
  private readonly acquire: Database.Transaction<(name: string, holder: string, now: number, ttlMs: number) => boolean>;

  /** `lease` is this store's share of the connection (not to be confused with the leases it grants). */
  constructor(
    private readonly lease: ConnectionLease,
    private readonly clock: Clock = systemClock,
  ) {
    const db = lease.db;
    this.selectLatestVersion = db
      .prepare<[string], number>('SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ?')
      .pluck();
    this.insertModel = db.prepare('INSERT INTO models (name, version, meta, blob) VALUES (?, ?, ?, ?)');
    this.selectLatest = db.prepare(`SELECT ${META_COLUMNS}, blob FROM models WHERE name = ? ORDER BY version DESC LIMIT 1`);
    this.selectVersion = db.prepare(`SELECT ${META_COLUMNS}, blob FROM models WHERE name = ? AND version = ?`);
    this.selectMeta = db.prepare(`SELECT ${META_COLUMNS} FROM models WHERE name = ? AND version = ?`);
    this.selectServingVersion = db
      .prepare<[string], number>("SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ? AND state = 'serving'")
      .pluck();
    this.listAll = db.prepare(`SELECT ${META_COLUMNS} FROM models ORDER BY saved_seq DESC`);
    this.listByName = db.prepare(`SELECT ${META_COLUMNS} FROM models WHERE name = ? ORDER BY saved_seq DESC`);
    this.selectPromotions = db.prepare(
      'SELECT seq, version, promoted_at, rolled_back_at FROM model_promotions WHERE name = ? ORDER BY seq DESC',
    );
    const retireServing = db.prepare("UPDATE models SET state = 'retired' WHERE name = ? AND state = 'serving'");
    const makeServing = db.prepare("UPDATE models SET state = 'serving', promoted_at = ? WHERE name = ? AND version = ?");
    const insertPromotion = db.prepare('INSERT INTO model_promotions (name, version, promoted_at) VALUES (?, ?, ?)');
    const endPromotion = db.prepare('UPDATE model_promotions SET rolled_back_at = ? WHERE seq = ?');
    const standing = db.prepare<[string], PromotionRow>(
      'SELECT seq, version, promoted_at, rolled_back_at FROM model_promotions WHERE name = ? AND rolled_back_at IS NULL ORDER BY seq DESC LIMIT 2',
    );
    // Each a transaction run IMMEDIATE: the write lock is taken before anything is read, so two
    // processes promoting at once cannot both retire the same version; the partial unique index
    // models_one_serving is the backstop.
    this.promoteTx = db.transaction((name: string, version: number, now: number): ModelMeta => {
      const row = this.selectMeta.get(name, version);
      if (row === undefined) throw new MagpieError('MODEL_NOT_FOUND', `no model ${name} v${version}`);
      if (row.state === 'serving') return metaFrom(row);
      retireServing.run(name);
      makeServing.run(now, name, version);
      insertPromotion.run(name, version, now);
      return metaFrom(this.selectMeta.get(name, version)!);
    });
    this.rollbackTx = db.transaction((name: string, now: number): ModelMeta => {
      const [current, previous] = standing.all(name);
      const target = previous && this.selectMeta.get(name, previous.version);
      if (current === undefined || previous === undefined || target === undefined) {
        throw new MagpieError('NOTHING_TO_ROLL_BACK', `${name} has no earlier promotion to roll back to`);
      }
      endPromotion.run(now, current.seq);
      retireServing.run(name);
      // It serves again under the promotion that now stands.
      makeServing.run(previous.promoted_at, name, previous.version);
      return metaFrom(this.selectMeta.get(name, previous.version)!);
    });
    // Reading the highest version and inserting the next one inside one IMMEDIATE transaction
    // makes the assignment atomic even against another process writing the same file; the
    // UNIQUE (name, version) constraint is the backstop.
    this.saveModel = db.transaction((meta: NewModel, blob: Uint8Array): ModelMeta => {
      const version = (this.selectLatestVersion.get(meta.name) ?? 0) + 1;
      const saved: ModelMeta = { ...meta, version, bytes: blob.byteLength, state: 'candidate', promotedAt: null, gate: meta.gate ?? null };
      // state and promotedAt live in their own columns (they change); the JSON never does.
      const { state: _state, promotedAt: _promotedAt, ...fixed } = saved;
      this.insertModel.run(meta.name, version, JSON.stringify(fixed), blob);
      return saved;
    });
    // Insert, or take over the row when it has expired or is the holder's own (a renewal); a row
    // held by someone else is left alone and nothing changes. Run as an IMMEDIATE transaction,
    // so the write lock is taken before the row is read, whichever process asks.
    this.takeLease = db.prepare(
      `INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @now + @ttl)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.expires_at <= @now OR leases.holder = excluded.holder`,
    );
    this.freeLease = db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
    this.acquire = db.transaction(
      (name: string, holder: string, now: number, ttl: number): boolean => this.takeLease.run({ name, holder, now, ttl }).changes === 1,
    );
  }

  async save(meta: NewModel, blob: Uint8Array): Promise<ModelMeta> {
    // A copy, so the meta returned never shares nested objects with the caller's argument.
    return this.lease.run('save', () => structuredClone(this.saveModel.immediate(meta, blob)));
  }

  async latest(name: string): Promise<StoredModel | null> {
    return this.lease.run('latest', () => storedModelFrom(this.selectLatest.get(name)));
  }

  async get(name: string, version: number): Promise<StoredModel | null> {
    return this.lease.run('get', () => storedModelFrom(this.selectVersion.get(name, version)));
  }

  async meta(name: string, version: number): Promise<ModelMeta | null> {
    return this.lease.run('meta', () => {
      const row = this.selectMeta.get(name, version);
      return row === undefined ? null : metaFrom(row);
    });
  }

  async latestVersion(name: string): Promise<number> {
    return this.lease.run('latestVersion', () => this.selectLatestVersion.get(name) ?? 0);
  }

  async servingVersion(name: string): Promise<number> {
    return this.lease.run('servingVersion', () => this.selectServingVersion.get(name) ?? 0);
  }

  async promote(name: string, version: number): Promise<ModelMeta> {
    return this.lease.run('promote', () => this.promoteTx.immediate(name, version, this.clock.now()));
  }

  async rollback(name: string): Promise<ModelMeta> {
    return this.lease.run('rollback', () => this.rollbackTx.immediate(name, this.clock.now()));
  }

  async promotions(name: string): Promise<PromotionRecord[]> {
    return this.lease.run('promotions', () =>
      this.selectPromotions.all(name).map((r) => ({ version: r.version, promotedAt: r.promoted_at, rolledBackAt: r.rolled_back_at })),
    );
  }

  async list(name?: string): Promise<ModelMeta[]> {
    return this.lease.run('list', () => (name === undefined ? this.listAll.all() : this.listByName.all(name)).map(metaFrom));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.lease.run('acquireLease', () => {
      requirePositiveInteger('ttlMs', ttlMs);
      return this.acquire.immediate(name, holder, this.clock.now(), ttlMs);
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.lease.run('releaseLease', () => void this.freeLease.run(name, holder));
  }

  async close(): Promise<void> {
    this.lease.close();
  }
}

/** Models saved before the registry have no gate in their JSON: null. */
function metaFrom(row: MetaRow): ModelMeta {
  const saved = JSON.parse(row.meta) as Omit<ModelMeta, 'state' | 'promotedAt'>;
  return { ...saved, gate: saved.gate ?? null, state: row.state, promotedAt: row.promoted_at };
}

function storedModelFrom(row: ModelRow | undefined): StoredModel | null {
  if (row === undefined) return null;
  // The driver hands back a Buffer; expose a plain Uint8Array view of the same bytes.
  const blob = new Uint8Array(row.blob.buffer, row.blob.byteOffset, row.blob.byteLength);
  return { meta: metaFrom(row), blob };
}
