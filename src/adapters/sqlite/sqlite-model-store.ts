import type Database from 'better-sqlite3';
import type { ModelMeta, ModelStore, NewModel, StoredModel } from '../../ports/index.js';
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

  constructor(private readonly lease: ConnectionLease) {
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
