import { MagpieError, type JsonObject } from '../../core/index.js';
import type { ModelMeta, ModelState, ModelStore, NewModel, PromotionRecord, StoredModel } from '../../ports/index.js';
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
  state: ModelState;
  promoted_at: string | null;
}

/** bigint columns come back from pg as strings. */
interface PromotionRow {
  seq: string;
  version: number;
  promoted_at: string;
  rolled_back_at: string | null;
}

const META_COLUMNS = 'name, version, meta, bytes, state, promoted_at';

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
    const stored = { ...structuredClone(meta), gate: structuredClone(meta.gate ?? null) };
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
    return { ...stored, version, bytes: bytes.byteLength, state: 'candidate', promotedAt: null };
  }

  async meta(name: string, version: number): Promise<ModelMeta | null> {
    if (!isVersion(version)) return null;
    const rows = await this.lease.query<MetaRow>(
      'meta',
      `SELECT ${META_COLUMNS} FROM ${this.t.models} WHERE name = $1 AND version = $2`,
      [name, version],
    );
    return rows[0] === undefined ? null : metaFromRow(rows[0]);
  }

  async servingVersion(name: string): Promise<number> {
    const rows = await this.lease.query<{ v: number }>(
      'servingVersion',
      `SELECT coalesce(max(version), 0)::int AS v FROM ${this.t.models} WHERE name = $1 AND state = 'serving'`,
      [name],
    );
    return rows[0]?.v ?? 0;
  }

  /**
   * Promote and rollback first lock the name's model_heads row, so changes to one name's registry
   * happen one after another across processes; the partial unique index on serving is the backstop.
   * Times come from the database server's clock, like the leases'.
   */
  async promote(name: string, version: number): Promise<ModelMeta> {
    return this.lease.transaction('promote', async (client) => {
      await client.query(`SELECT 1 FROM ${this.t.modelHeads} WHERE name = $1 FOR UPDATE`, [name]);
      const found = isVersion(version)
        ? await client.query<MetaRow>(`SELECT ${META_COLUMNS} FROM ${this.t.models} WHERE name = $1 AND version = $2`, [name, version])
        : { rows: [] };
      const row = found.rows[0];
      if (row === undefined) throw new MagpieError('MODEL_NOT_FOUND', `no model ${name} v${version}`);
      if (row.state === 'serving') return metaFromRow(row);
      await client.query(`UPDATE ${this.t.models} SET state = 'retired' WHERE name = $1 AND state = 'serving'`, [name]);
      const promoted = await client.query<MetaRow>(
        `UPDATE ${this.t.models} SET state = 'serving', promoted_at = ${NOW_MS} WHERE name = $1 AND version = $2 RETURNING ${META_COLUMNS}`,
        [name, version],
      );
      const meta = metaFromRow(promoted.rows[0]!);
      await client.query(`INSERT INTO ${this.t.modelPromotions} (name, version, promoted_at) VALUES ($1, $2, $3)`, [
        name,
        version,
        meta.promotedAt,
      ]);
      return meta;
    });
  }

  async rollback(name: string): Promise<ModelMeta> {
    return this.lease.transaction('rollback', async (client) => {
      await client.query(`SELECT 1 FROM ${this.t.modelHeads} WHERE name = $1 FOR UPDATE`, [name]);
      const standing = await client.query<PromotionRow>(
        `SELECT seq, version, promoted_at, rolled_back_at FROM ${this.t.modelPromotions}
         WHERE name = $1 AND rolled_back_at IS NULL ORDER BY seq DESC LIMIT 2`,
        [name],
      );
      const [current, previous] = standing.rows;
      if (current === undefined || previous === undefined) {
        throw new MagpieError('NOTHING_TO_ROLL_BACK', `${name} has no earlier promotion to roll back to`);
      }
      await client.query(`UPDATE ${this.t.modelPromotions} SET rolled_back_at = ${NOW_MS} WHERE seq = $1`, [current.seq]);
      await client.query(`UPDATE ${this.t.models} SET state = 'retired' WHERE name = $1 AND state = 'serving'`, [name]);
      // It serves again under the promotion that now stands.
      const restored = await client.query<MetaRow>(
        `UPDATE ${this.t.models} SET state = 'serving', promoted_at = $3 WHERE name = $1 AND version = $2 RETURNING ${META_COLUMNS}`,
        [name, previous.version, previous.promoted_at],
      );
      if (restored.rows[0] === undefined) throw new MagpieError('NOTHING_TO_ROLL_BACK', `${name} v${previous.version} no longer exists`);
      return metaFromRow(restored.rows[0]);
    });
  }

  async promotions(name: string): Promise<PromotionRecord[]> {
    const rows = await this.lease.query<PromotionRow>(
      'promotions',
      `SELECT seq, version, promoted_at, rolled_back_at FROM ${this.t.modelPromotions} WHERE name = $1 ORDER BY seq DESC`,
      [name],
    );
    return rows.map((r) => ({
      version: r.version,
      promotedAt: Number(r.promoted_at),
      rolledBackAt: r.rolled_back_at === null ? null : Number(r.rolled_back_at),
    }));
  }

  async latest(name: string): Promise<StoredModel | null> {
    const rows = await this.lease.query<MetaRow>(
      'latest',
      `SELECT ${META_COLUMNS} FROM ${this.t.models} WHERE name = $1 ORDER BY version DESC LIMIT 1`,
      [name],
    );
    return rows[0] === undefined ? null : this.withBlob('latest', rows[0]);
  }

  async get(name: string, version: number): Promise<StoredModel | null> {
    if (!isVersion(version)) return null;
    const rows = await this.lease.query<MetaRow>(
      'get',
      `SELECT ${META_COLUMNS} FROM ${this.t.models} WHERE name = $1 AND version = $2`,
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
        ? await this.lease.query<MetaRow>('list', `SELECT ${META_COLUMNS} FROM ${this.t.models} ORDER BY saved_seq DESC`)
        : await this.lease.query<MetaRow>(
            'list',
            `SELECT ${META_COLUMNS} FROM ${this.t.models} WHERE name = $1 ORDER BY saved_seq DESC`,
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

/** A version the integer column can hold; anything else names no model. */
function isVersion(version: number): boolean {
  return Number.isSafeInteger(version) && version >= 1 && version <= 2 ** 31 - 1;
}

/** Models saved before the registry have no gate in their JSON: null. */
function metaFromRow(row: MetaRow): ModelMeta {
  const saved = row.meta as unknown as NewModel;
  return {
    ...saved,
    gate: saved.gate ?? null,
    version: row.version,
    bytes: Number(row.bytes),
    state: row.state,
    promotedAt: row.promoted_at === null ? null : Number(row.promoted_at),
  };
}
