import { MagpieError, type Clock, type Item, type JsonObject, type Page, type User } from '../core/index.js';
import type { DataStore, ItemPatch, UserPatch } from '../ports/index.js';
import type { CatalogCache } from './catalog.js';
import type { ItemInput, ItemPatchInput, UserInput, UserPatchInput } from './schemas.js';

/** Users and items: create/replace in batches, read, list, patch, delete (with their events). */
export class RecordsService {
  constructor(
    private readonly deps: {
      store: DataStore;
      catalog: CatalogCache;
      clock: Clock;
      /** Told when users' records change (their cached lists depend on their attributes). */
      onUsersChanged?: ((ids: readonly string[]) => void) | undefined;
      /** Told after items were written or deleted (other processes reload their catalogue). */
      onItemsChanged?: (() => void) | undefined;
    },
  ) {}

  async upsertUsers(inputs: readonly UserInput[]): Promise<number> {
    const now = this.deps.clock.now();
    const users: User[] = dedupeById(inputs).map((u) => ({
      id: u.id,
      attributes: (u.attributes ?? {}) as JsonObject,
      createdAt: u.createdAt ?? now,
    }));
    await this.deps.store.upsertUsers(users);
    this.deps.onUsersChanged?.(users.map((u) => u.id));
    return users.length;
  }

  async getUser(id: string): Promise<User> {
    const user = await this.deps.store.getUser(id);
    if (!user) throw new MagpieError('USER_NOT_FOUND', `no user "${id}"`, { id });
    return user;
  }

  listUsers(limit: number, cursor?: string): Promise<Page<User>> {
    return this.deps.store.listUsers({ limit, cursor });
  }

  async patchUser(id: string, patch: UserPatchInput): Promise<User> {
    const user = await this.deps.store.patchUser(id, patch as UserPatch);
    if (!user) throw new MagpieError('USER_NOT_FOUND', `no user "${id}"`, { id });
    this.deps.onUsersChanged?.([id]);
    return user;
  }

  async deleteUser(id: string): Promise<void> {
    if (!(await this.deps.store.deleteUser(id))) throw new MagpieError('USER_NOT_FOUND', `no user "${id}"`, { id });
    this.deps.onUsersChanged?.([id]);
  }

  async upsertItems(inputs: readonly ItemInput[]): Promise<number> {
    const now = this.deps.clock.now();
    const items: Item[] = dedupeById(inputs).map((i) => ({
      id: i.id,
      kind: i.kind ?? 'item',
      title: i.title ?? i.id,
      text: i.text ?? '',
      categories: i.categories ?? [],
      tags: i.tags ?? [],
      numeric: i.numeric ?? {},
      embedding: i.embedding ?? null,
      createdAt: i.createdAt ?? now,
      hidden: i.hidden ?? false,
    }));
    await this.deps.store.upsertItems(items);
    this.deps.catalog.put(items);
    this.deps.onItemsChanged?.();
    return items.length;
  }

  async getItem(id: string): Promise<Item> {
    const item = await this.deps.store.getItem(id);
    if (!item) throw new MagpieError('ITEM_NOT_FOUND', `no item "${id}"`, { id });
    return item;
  }

  listItems(limit: number, cursor?: string): Promise<Page<Item>> {
    return this.deps.store.listItems({ limit, cursor });
  }

  async patchItem(id: string, patch: ItemPatchInput): Promise<Item> {
    const item = await this.deps.store.patchItem(id, patch as ItemPatch);
    if (!item) throw new MagpieError('ITEM_NOT_FOUND', `no item "${id}"`, { id });
    this.deps.catalog.put([item]);
    this.deps.onItemsChanged?.();
    return item;
  }

  async deleteItem(id: string): Promise<void> {
    if (!(await this.deps.store.deleteItem(id))) throw new MagpieError('ITEM_NOT_FOUND', `no item "${id}"`, { id });
    this.deps.catalog.remove(id);
    this.deps.onItemsChanged?.();
  }
}

/** In a batch that names an id twice, the last record wins (as if upserted one by one). */
function dedupeById<T extends { id: string }>(records: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of records) byId.set(r.id, r);
  return [...byId.values()];
}
