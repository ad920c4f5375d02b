import type { Item, Page, User } from '../../core/index.js';
import type { ItemPatch, ListOptions, UserPatch } from '../../ports/index.js';
import {
  applyItemPatch,
  decodeListCursor,
  distinctInOrder,
  encodeListCursor,
  requirePositiveInteger,
  toFloat32Embedding,
} from '../shared/index.js';
import type { ListKind } from '../shared/index.js';
import { advisoryKey } from './connection.js';
import type { PgLease } from './connection.js';
import { ITEM_COLUMNS, ITEM_RECORD, USER_COLUMNS, itemFromRow, itemRecord, userFromRow } from './rows.js';
import type { ItemRow, UserRow } from './rows.js';

type Client = Parameters<Parameters<PgLease['transaction']>[1]>[0];

/**
 * Users and items on Postgres. A batch is written with one statement per table, the records
 * passed as one JSON document that json_to_recordset turns into rows (no statement per record),
 * rows in id order so that two batches touching the same ids lock them in the same order and
 * cannot deadlock.
 */
export class PostgresCatalog {
  constructor(private readonly lease: PgLease) {}

  private get t() {
    return this.lease.tables;
  }

  async upsertUsers(users: User[]): Promise<void> {
    const batch = lastOfEachId(users);
    if (batch.length === 0) return;
    await this.lease.query(
      'upsertUsers',
      `INSERT INTO ${this.t.users} (id, attributes, created_at)
       SELECT id, attributes, "createdAt" FROM json_to_recordset($1::json) AS r(id text, attributes jsonb, "createdAt" bigint)
       ORDER BY id COLLATE "C"
       ON CONFLICT (id) DO UPDATE SET attributes = EXCLUDED.attributes, created_at = EXCLUDED.created_at`,
      [JSON.stringify(batch.map((u) => ({ id: u.id, attributes: u.attributes, createdAt: u.createdAt })))],
    );
  }

  async getUser(id: string): Promise<User | null> {
    const rows = await this.lease.query<UserRow>('getUser', `SELECT ${USER_COLUMNS} FROM ${this.t.users} WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : userFromRow(rows[0]);
  }

  async listUsers(opts: ListOptions): Promise<Page<User>> {
    return this.listPage('users', this.t.users, USER_COLUMNS, opts, userFromRow);
  }

  /** Shallow merge in one statement: keys set to null are removed, the others overwrite. */
  async patchUser(id: string, patch: UserPatch): Promise<User | null> {
    const entries = Object.entries(patch.attributes ?? {}).filter(([, v]) => v !== undefined);
    const remove = entries.filter(([, v]) => v === null).map(([k]) => k);
    const set = Object.fromEntries(entries.filter(([, v]) => v !== null));
    const rows = await this.lease.query<UserRow>(
      'patchUser',
      `UPDATE ${this.t.users} SET attributes = (attributes - $2::text[]) || $3::jsonb WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [id, remove, JSON.stringify(set)],
    );
    return rows[0] === undefined ? null : userFromRow(rows[0]);
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.deleteWithEvents('deleteUser', this.t.users, 'user_id', id);
  }

  async missingUsers(ids: string[]): Promise<string[]> {
    return this.missing('missingUsers', this.t.users, ids);
  }

  async upsertItems(items: Item[]): Promise<void> {
    const batch = lastOfEachId(items).map((item) => ({ ...item, embedding: toFloat32Embedding(item.embedding) }));
    if (batch.length === 0) return;
    await this.lease.transaction('upsertItems', (client) => this.writeItems(client, batch));
  }

  async getItem(id: string): Promise<Item | null> {
    const rows = await this.lease.query<ItemRow>('getItem', `SELECT ${ITEM_COLUMNS} FROM ${this.t.items} WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : itemFromRow(rows[0]);
  }

  async getItems(ids: string[]): Promise<Item[]> {
    const wanted = distinctInOrder(ids);
    if (wanted.length === 0) return [];
    const rows = await this.lease.query<ItemRow>(
      'getItems',
      `SELECT ${ITEM_COLUMNS} FROM ${this.t.items} WHERE id = ANY ($1::text[])`,
      [wanted],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const found: Item[] = [];
    for (const id of wanted) {
      const row = byId.get(id);
      if (row !== undefined) found.push(itemFromRow(row));
    }
    return found;
  }

  async listItems(opts: ListOptions): Promise<Page<Item>> {
    return this.listPage('items', this.t.items, ITEM_COLUMNS, opts, itemFromRow);
  }

  /** Read, patch and write back under the row lock, so concurrent patches do not lose fields. */
  async patchItem(id: string, patch: ItemPatch): Promise<Item | null> {
    return this.lease.transaction('patchItem', async (client) => {
      const res = await client.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM ${this.t.items} WHERE id = $1 FOR UPDATE`, [id]);
      const row = res.rows[0];
      if (row === undefined) return null;
      const next = applyItemPatch(itemFromRow(row), patch);
      await this.writeItems(client, [next]);
      return next;
    });
  }

  /** Category rows go by their foreign key; events are deleted here (they have none, see the schema). */
  async deleteItem(id: string): Promise<boolean> {
    return this.deleteWithEvents('deleteItem', this.t.items, 'item_id', id);
  }

  async missingItems(ids: string[]): Promise<string[]> {
    return this.missing('missingItems', this.t.items, ids);
  }

  async latestItems(opts: { limit: number; category?: string | undefined }): Promise<Item[]> {
    requirePositiveInteger('limit', opts.limit);
    const qualified = ITEM_COLUMNS.split(', ')
      .map((c) => `i.${c}`)
      .join(', ');
    const rows =
      opts.category === undefined
        ? await this.lease.query<ItemRow>(
            'latestItems',
            `SELECT ${ITEM_COLUMNS} FROM ${this.t.items} WHERE NOT hidden ORDER BY created_at DESC, id ASC LIMIT $1`,
            [opts.limit],
          )
        : await this.lease.query<ItemRow>(
            'latestItems',
            `SELECT ${qualified} FROM ${this.t.itemCategories} c JOIN ${this.t.items} i ON i.id = c.item_id
             WHERE c.category = $1 AND NOT i.hidden
             ORDER BY c.created_at DESC, c.item_id ASC LIMIT $2`,
            [opts.category, opts.limit],
          );
    return rows.map(itemFromRow);
  }

  /** One scanItems batch: keyset on id, so writes between batches never skip or repeat an item. */
  async itemsBatch(afterId: string | null, batchSize: number): Promise<Item[]> {
    const rows = await this.lease.query<ItemRow>(
      'scanItems',
      `SELECT ${ITEM_COLUMNS} FROM ${this.t.items} ${afterId === null ? '' : 'WHERE id > $2'} ORDER BY id LIMIT $1`,
      afterId === null ? [batchSize] : [batchSize, afterId],
    );
    return rows.map(itemFromRow);
  }

  /** Upserts the item rows and rewrites their category rows, inside the caller's transaction. */
  private async writeItems(client: Client, items: Item[]): Promise<void> {
    const records = JSON.stringify(items.map(itemRecord));
    await client.query(
      `INSERT INTO ${this.t.items} (${ITEM_COLUMNS})
       SELECT ${ITEM_COLUMNS} FROM json_to_recordset($1::json) AS r(${ITEM_RECORD}) ORDER BY id
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, "text" = EXCLUDED."text",
         categories = EXCLUDED.categories, tags = EXCLUDED.tags, "numeric" = EXCLUDED."numeric",
         embedding = EXCLUDED.embedding, created_at = EXCLUDED.created_at, hidden = EXCLUDED.hidden`,
      [records],
    );
    await client.query(`DELETE FROM ${this.t.itemCategories} WHERE item_id = ANY ($1::text[])`, [items.map((i) => i.id)]);
    await client.query(
      `INSERT INTO ${this.t.itemCategories} (item_id, category, created_at)
       SELECT r.id, c.category, r.created_at
       FROM json_to_recordset($1::json) AS r(id text, categories text[], created_at bigint)
       CROSS JOIN LATERAL unnest(r.categories) AS c(category)
       ON CONFLICT DO NOTHING`,
      [records],
    );
  }

  /**
   * Deletes a user or item and its events under the exclusive "references" lock: it waits for
   * event inserts in flight (which hold the lock shared) to commit, so their events are seen and
   * deleted too, and inserts starting meanwhile wait and then find the record gone.
   */
  private async deleteWithEvents(operation: string, table: string, column: 'user_id' | 'item_id', id: string): Promise<boolean> {
    return this.lease.transaction(operation, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', advisoryKey('references', this.lease.schema));
      await client.query(`DELETE FROM ${this.t.events} WHERE ${column} = $1`, [id]);
      const res = await client.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
      return (res.rowCount ?? 0) > 0;
    });
  }

  private async missing(operation: string, table: string, ids: string[]): Promise<string[]> {
    const wanted = distinctInOrder(ids);
    if (wanted.length === 0) return [];
    const rows = await this.lease.query<{ id: string }>(operation, `SELECT id FROM ${table} WHERE id = ANY ($1::text[])`, [wanted]);
    const stored = new Set(rows.map((r) => r.id));
    return wanted.filter((id) => !stored.has(id));
  }

  /** One page in id order; fetches one row more than asked to know whether `next` is needed. */
  private async listPage<R extends { id: string }, T>(
    kind: ListKind,
    table: string,
    columns: string,
    opts: ListOptions,
    decode: (row: R) => T,
  ): Promise<Page<T>> {
    requirePositiveInteger('limit', opts.limit);
    const after = opts.cursor == null ? null : decodeListCursor(kind, opts.cursor);
    const rows = await this.lease.query<R>(
      kind === 'users' ? 'listUsers' : 'listItems',
      `SELECT ${columns} FROM ${table} ${after === null ? '' : 'WHERE id > $2'} ORDER BY id LIMIT $1`,
      after === null ? [opts.limit + 1] : [opts.limit + 1, after],
    );
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(decode),
      next: rows.length > opts.limit && last !== undefined ? encodeListCursor(kind, last.id) : null,
    };
  }
}

/** A later record with the same id replaces an earlier one (one statement cannot update a row twice). */
function lastOfEachId<T extends { id: string }>(records: T[]): T[] {
  return [...new Map(records.map((r) => [r.id, r])).values()];
}
