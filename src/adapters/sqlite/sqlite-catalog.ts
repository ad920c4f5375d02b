import type Database from 'better-sqlite3';
import type { Item, Page, User } from '../../core/index.js';
import type { ItemPatch, ListOptions, UserPatch } from '../../ports/index.js';
import {
  applyItemPatch,
  bareItem,
  bareUser,
  decodeListCursor,
  distinctInOrder,
  encodeListCursor,
  mergeUserAttributes,
  requirePositiveInteger,
  toFloat32Embedding,
} from '../shared/index.js';
import type { ListKind } from '../shared/index.js';
import { ITEM_COLUMNS, USER_COLUMNS, itemFromRow, itemParams, userFromRow } from './rows.js';
import type { ItemRow, UserRow } from './rows.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/**
 * Users and items on SQLite: synchronous, no error translation (SqliteDataStore wraps every
 * call). Statements are prepared once; every multi-row write is one IMMEDIATE transaction, so it
 * is all or nothing and costs one WAL sync rather than one per row.
 */
export class SqliteCatalog {
  private readonly upsertUser: Statement<[string, string, number]>;
  private readonly selectUser: Statement<[string], UserRow>;
  private readonly firstUsers: Statement<[number], UserRow>;
  private readonly usersAfter: Statement<[string, number], UserRow>;
  private readonly updateUserAttributes: Statement<[string, string]>;
  private readonly deleteUserRow: Statement<[string]>;
  private readonly userExists: Statement<[string], number>;
  private readonly insertBareUser: Statement<[string, string, number]>;

  private readonly upsertItem: Statement<unknown[]>;
  private readonly deleteItemCategories: Statement<[string]>;
  private readonly insertItemCategory: Statement<[string, string, number]>;
  private readonly selectItem: Statement<[string], ItemRow>;
  private readonly firstItems: Statement<[number], ItemRow>;
  private readonly itemsAfter: Statement<[string, number], ItemRow>;
  private readonly deleteItemRow: Statement<[string]>;
  private readonly itemExists: Statement<[string], number>;
  private readonly insertBareItem: Statement<unknown[]>;
  private readonly latestVisible: Statement<[number], ItemRow>;
  private readonly latestVisibleInCategory: Statement<[string, number], ItemRow>;

  constructor(private readonly db: Database.Database) {
    this.upsertUser = db.prepare(
      `INSERT INTO users (${USER_COLUMNS}) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes, created_at = excluded.created_at`,
    );
    this.selectUser = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
    this.firstUsers = db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY id LIMIT ?`);
    this.usersAfter = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id > ? ORDER BY id LIMIT ?`);
    this.updateUserAttributes = db.prepare('UPDATE users SET attributes = ? WHERE id = ?');
    this.deleteUserRow = db.prepare('DELETE FROM users WHERE id = ?');
    this.userExists = db.prepare<[string], number>('SELECT 1 FROM users WHERE id = ?').pluck();
    this.insertBareUser = db.prepare(
      `INSERT INTO users (${USER_COLUMNS}) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );

    // ON CONFLICT DO UPDATE rather than INSERT OR REPLACE: REPLACE deletes the old row first,
    // and that delete would cascade to the item's events.
    this.upsertItem = db.prepare(
      `INSERT INTO items (${ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, text = excluded.text,
         categories = excluded.categories, tags = excluded.tags, numeric = excluded.numeric,
         embedding = excluded.embedding, created_at = excluded.created_at, hidden = excluded.hidden`,
    );
    this.deleteItemCategories = db.prepare('DELETE FROM item_categories WHERE item_id = ?');
    this.insertItemCategory = db.prepare(
      'INSERT INTO item_categories (item_id, category, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectItem = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`);
    this.firstItems = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items ORDER BY id LIMIT ?`);
    this.itemsAfter = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items WHERE id > ? ORDER BY id LIMIT ?`);
    this.deleteItemRow = db.prepare('DELETE FROM items WHERE id = ?');
    this.itemExists = db.prepare<[string], number>('SELECT 1 FROM items WHERE id = ?').pluck();
    // A bare item has no categories, so unlike writeItem it needs no item_categories rows.
    this.insertBareItem = db.prepare(
      `INSERT INTO items (${ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.latestVisible = db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM items WHERE hidden = 0 ORDER BY created_at DESC, id ASC LIMIT ?`,
    );
    const qualified = ITEM_COLUMNS.split(', ')
      .map((c) => `i.${c}`)
      .join(', ');
    this.latestVisibleInCategory = db.prepare(
      `SELECT ${qualified} FROM item_categories c JOIN items i ON i.id = c.item_id
       WHERE c.category = ? AND i.hidden = 0
       ORDER BY c.created_at DESC, c.item_id ASC LIMIT ?`,
    );
  }

  upsertUsers(users: User[]): void {
    this.db
      .transaction(() => {
        for (const u of users) this.upsertUser.run(u.id, JSON.stringify(u.attributes), u.createdAt);
      })
      .immediate();
  }

  getUser(id: string): User | null {
    const row = this.selectUser.get(id);
    return row === undefined ? null : userFromRow(row);
  }

  listUsers(opts: ListOptions): Page<User> {
    return listPage('users', opts, this.firstUsers, this.usersAfter, userFromRow);
  }

  patchUser(id: string, patch: UserPatch): User | null {
    return this.db
      .transaction((): User | null => {
        const current = this.getUser(id);
        if (current === null) return null;
        const next: User = { ...current, attributes: mergeUserAttributes(current.attributes, patch.attributes) };
        this.updateUserAttributes.run(JSON.stringify(next.attributes), id);
        return next;
      })
      .immediate();
  }

  /** Foreign keys cascade the delete to the user's events, in the same statement. */
  deleteUser(id: string): boolean {
    return this.deleteUserRow.run(id).changes > 0;
  }

  missingUsers(ids: string[]): string[] {
    return distinctInOrder(ids).filter((id) => this.userExists.get(id) === undefined);
  }

  /** Creates the bare user insertEvents needs unless the id exists; inside the caller's transaction. */
  ensureUser(id: string, now: number): void {
    const user = bareUser(id, now);
    this.insertBareUser.run(user.id, JSON.stringify(user.attributes), user.createdAt);
  }

  upsertItems(items: Item[]): void {
    this.db
      .transaction(() => {
        for (const item of items) this.writeItem({ ...item, embedding: toFloat32Embedding(item.embedding) });
      })
      .immediate();
  }

  getItem(id: string): Item | null {
    const row = this.selectItem.get(id);
    return row === undefined ? null : itemFromRow(row);
  }

  getItems(ids: string[]): Item[] {
    const found: Item[] = [];
    for (const id of distinctInOrder(ids)) {
      const row = this.selectItem.get(id);
      if (row !== undefined) found.push(itemFromRow(row));
    }
    return found;
  }

  listItems(opts: ListOptions): Page<Item> {
    return listPage('items', opts, this.firstItems, this.itemsAfter, itemFromRow);
  }

  patchItem(id: string, patch: ItemPatch): Item | null {
    return this.db
      .transaction((): Item | null => {
        const current = this.getItem(id);
        if (current === null) return null;
        const next = applyItemPatch(current, patch);
        this.writeItem(next);
        return next;
      })
      .immediate();
  }

  /** Cascades to the item's events and category rows. */
  deleteItem(id: string): boolean {
    return this.deleteItemRow.run(id).changes > 0;
  }

  missingItems(ids: string[]): string[] {
    return distinctInOrder(ids).filter((id) => this.itemExists.get(id) === undefined);
  }

  /** Creates the bare item insertEvents needs unless the id exists; inside the caller's transaction. */
  ensureItem(id: string, now: number): void {
    this.insertBareItem.run(...itemParams(bareItem(id, now)));
  }

  latestItems(opts: { limit: number; category?: string | undefined }): Item[] {
    requirePositiveInteger('limit', opts.limit);
    const rows =
      opts.category === undefined
        ? this.latestVisible.all(opts.limit)
        : this.latestVisibleInCategory.all(opts.category, opts.limit);
    return rows.map(itemFromRow);
  }

  /** One scanItems batch: keyset on id, so writes between batches never skip or repeat an item. */
  itemsBatch(afterId: string | null, batchSize: number): Item[] {
    const rows = afterId === null ? this.firstItems.all(batchSize) : this.itemsAfter.all(afterId, batchSize);
    return rows.map(itemFromRow);
  }

  /** Writes the item row and rewrites its category rows (which copy created_at for ordering). */
  private writeItem(item: Item): void {
    this.upsertItem.run(...itemParams(item));
    this.deleteItemCategories.run(item.id);
    for (const category of item.categories) this.insertItemCategory.run(item.id, category, item.createdAt);
  }
}

/** One page in id order; fetches one row more than asked to know whether `next` is needed. */
function listPage<R extends { id: string }, T>(
  kind: ListKind,
  opts: ListOptions,
  first: Statement<[number], R>,
  after: Statement<[string, number], R>,
  decode: (row: R) => T,
): Page<T> {
  requirePositiveInteger('limit', opts.limit);
  const rows =
    opts.cursor == null ? first.all(opts.limit + 1) : after.all(decodeListCursor(kind, opts.cursor), opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(decode),
    next: rows.length > opts.limit && last !== undefined ? encodeListCursor(kind, last.id) : null,
  };
}
