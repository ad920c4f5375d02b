import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../core/index.js';
import type { ModelMeta, ModelStore, NewModel, StoredModel } from '../../ports/index.js';
import { requirePositiveInteger } from '../shared/index.js';
import type { ConnectionLease } from './connection.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

interface ModelRow {
  meta: string;
  blob: Uint8Array;
}

/** Trained models on SQLite, one row per (name, version), blob beside its metadata. */
export class SqliteModelStore implements ModelStore {
  private readonly selectLatestVersion: Statement<[string], number>;
  private readonly insertModel: Statement<[string, number, string, Uint8Array]>;
  private readonly selectLatest: Statement<[string], ModelRow>;
  private readonly selectVersion: Statement<[string, number], ModelRow>;
  private readonly listAll: Statement<[], string>;
  private readonly listByName: Statement<[string], string>;
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
    this.selectLatest = db.prepare('SELECT meta, blob FROM models WHERE name = ? ORDER BY version DESC LIMIT 1');
    this.selectVersion = db.prepare('SELECT meta, blob FROM models WHERE name = ? AND version = ?');
    this.listAll = db.prepare<[], string>('SELECT meta FROM models ORDER BY saved_seq DESC').pluck();
    this.listByName = db
      .prepare<[string], string>('SELECT meta FROM models WHERE name = ? ORDER BY saved_seq DESC')
      .pluck();
    // Reading the highest version and inserting the next one inside one IMMEDIATE transaction
    // makes the assignment atomic even against another process writing the same file; the
    // UNIQUE (name, version) constraint is the backstop.
    this.saveModel = db.transaction((meta: NewModel, blob: Uint8Array): ModelMeta => {
      const version = (this.selectLatestVersion.get(meta.name) ?? 0) + 1;
      const saved: ModelMeta = { ...meta, version, bytes: blob.byteLength };
      this.insertModel.run(meta.name, version, JSON.stringify(saved), blob);
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

  async latestVersion(name: string): Promise<number> {
    return this.lease.run('latestVersion', () => this.selectLatestVersion.get(name) ?? 0);
  }

  async list(name?: string): Promise<ModelMeta[]> {
    return this.lease.run('list', () => {
      const metas = name === undefined ? this.listAll.all() : this.listByName.all(name);
      return metas.map((json) => JSON.parse(json) as ModelMeta);
    });
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

function storedModelFrom(row: ModelRow | undefined): StoredModel | null {
  if (row === undefined) return null;
  // The driver hands back a Buffer; expose a plain Uint8Array view of the same bytes.
  const blob = new Uint8Array(row.blob.buffer, row.blob.byteOffset, row.blob.byteLength);
  return { meta: JSON.parse(row.meta) as ModelMeta, blob };
}
