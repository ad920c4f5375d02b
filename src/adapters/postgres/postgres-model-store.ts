import type { JsonObject } from '../../core/index.js';
import type { ModelMeta, ModelStore, NewModel, StoredModel } from '../../ports/index.js';
import { requirePositiveInteger } from '../shared/index.js';
import type { PgLease } from './connection.js';

/** Now in ms on the database server's clock: one clock for every process, whatever host it runs on. */
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

/** Blobs are written in parts of this size: a part passes through pg as a hex string twice its size. */
const PART_BYTES = 8 * 1024 * 1024;

interface MetaRow {
  name: string;
  version: number;
  meta: JsonObject;
  bytes: number;
}

/**
 * Trained models on Postgres: metadata in `models`, the blob as bytea parts in `model_parts`.
 * Versions come from the per-name row of model_heads, advanced by an upsert inside the saving
 * transaction: its row lock makes concurrent saves of one name take versions one after another,
 * and a save that fails rolls its version back with everything else.
 */
export class PostgresModelStore implements ModelStore {
  constructor(private readonly lease: PgLease) {}

  private get t() {
    return this.lease.tables;
  }

  async save(meta: NewModel, blob: Uint8Array): Promise<ModelMeta> {
    // Copies now, so a caller changing its objects while the save is in flight changes nothing.
    const stored = structuredClone(meta);
    const bytes = Buffer.from(blob);
    const version = await this.lease.transaction('save', async (client) => {
      const head = await client.query<{ version: number }>(
        `INSERT INTO ${this.t.modelHeads} (name, version) VALUES ($1, 1)
         ON CONFLICT (name) DO UPDATE SET version = ${this.t.modelHeads}.version + 1 RETURNING version`,
        [stored.name],
      );
      const v = head.rows[0]?.version ?? 1;
      await client.query(`INSERT INTO ${this.t.models} (name, version, meta, bytes) VALUES ($1, $2, $3, $4)`, [
        stored.name,
        v,
        JSON.stringify(stored),
        bytes.byteLength,
      ]);
      for (let part = 0, at = 0; at < bytes.byteLength || part === 0; part++, at += PART_BYTES) {
        await client.query(`INSERT INTO ${this.t.modelParts} (name, version, part, data) VALUES ($1, $2, $3, $4)`, [
          stored.name,
          v,
          part,
          bytes.subarray(at, at + PART_BYTES),
        ]);
      }
      return v;
    });
    return { ...stored, version, bytes: bytes.byteLength };
  }

  async latest(name: string): Promise<StoredModel | null> {
    const rows = await this.lease.query<MetaRow>(
      'latest',
      `SELECT name, version, meta, bytes FROM ${this.t.models} WHERE name = $1 ORDER BY version DESC LIMIT 1`,
      [name],
    );
    return rows[0] === undefined ? null : this.withBlob('latest', rows[0]);
  }

  async get(name: string, version: number): Promise<StoredModel | null> {
    if (!Number.isSafeInteger(version) || version < 1 || version > 2 ** 31 - 1) return null;
    const rows = await this.lease.query<MetaRow>(
      'get',
      `SELECT name, version, meta, bytes FROM ${this.t.models} WHERE name = $1 AND version = $2`,
      [name, version],
    );
    return rows[0] === undefined ? null : this.withBlob('get', rows[0]);
  }

  async latestVersion(name: string): Promise<number> {
    const rows = await this.lease.query<{ v: number }>(
      'latestVersion',
      `SELECT coalesce(max(version), 0)::int AS v FROM ${this.t.models} WHERE name = $1`,
      [name],
    );
    return rows[0]?.v ?? 0;
  }

  async list(name?: string): Promise<ModelMeta[]> {
    const rows =
      name === undefined
        ? await this.lease.query<MetaRow>('list', `SELECT name, version, meta, bytes FROM ${this.t.models} ORDER BY saved_seq DESC`)
        : await this.lease.query<MetaRow>(
            'list',
            `SELECT name, version, meta, bytes FROM ${this.t.models} WHERE name = $1 ORDER BY saved_seq DESC`,
            [name],
          );
    return rows.map(metaFromRow);
  }

  /**
   * One statement: the insert, or the update of an expired or own row, happens under the row's
   * lock, so of concurrent callers exactly one sees its row come back. Lease times come from the
   * server's clock rather than this process's, so hosts whose clocks drift cannot take a lease
   * early.
   */
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    requirePositiveInteger('ttlMs', ttlMs);
    const rows = await this.lease.query<{ holder: string }>(
      'acquireLease',
      `INSERT INTO ${this.t.leases} AS l (name, holder, expires_at) VALUES ($1, $2, ${NOW_MS} + $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE l.expires_at <= ${NOW_MS} OR l.holder = excluded.holder
       RETURNING holder`,
      [name, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.lease.query('releaseLease', `DELETE FROM ${this.t.leases} WHERE name = $1 AND holder = $2`, [name, holder]);
  }

  close(): Promise<void> {
    return this.lease.close();
  }

  private async withBlob(operation: string, row: MetaRow): Promise<StoredModel> {
    const parts = await this.lease.query<{ data: Buffer }>(
      operation,
      `SELECT data FROM ${this.t.modelParts} WHERE name = $1 AND version = $2 ORDER BY part`,
      [row.name, row.version],
    );
    const joined = parts.length === 1 ? parts[0]!.data : Buffer.concat(parts.map((p) => p.data));
    return { meta: metaFromRow(row), blob: new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength) };
  }
}

function metaFromRow(row: MetaRow): ModelMeta {
  return { ...(row.meta as unknown as NewModel), version: row.version, bytes: row.bytes };
}
