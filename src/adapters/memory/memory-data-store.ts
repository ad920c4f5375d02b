import type { FeedbackEvent, Item, Page, User } from '../../core/index.js';
import type {
  EventBucket,
  EventCountQuery,
  DataStore,
  EventQuery,
  InsertEventsOptions,
  ItemPatch,
  ListOptions,
  StoreCounts,
  UserPatch,
} from '../../ports/index.js';
import {
  requireBucketQuery,
  applyItemPatch,
  bareItem,
  bareUser,
  compareIds,
  decodeListCursor,
  distinctInOrder,
  encodeListCursor,
  firstIdAfter,
  mergeUserAttributes,
  requirePositiveInteger,
  storeClosedError,
  toFloat32Embedding,
  unknownReferencesError,
} from '../shared/index.js';
import type { ListKind } from '../shared/index.js';
import { MemoryEventIndex } from './memory-event-index.js';
import { SortedIdSet } from './sorted-id-set.js';

/**
 * DataStore held in process memory, with the same semantics as the SQLite adapter. Records are
 * copied on the way in and out (structuredClone), so callers can never mutate stored state,
 * just as they cannot with a database.
 */
export class MemoryDataStore implements DataStore {
  private readonly users = new Map<string, User>();
  private readonly userIds = new SortedIdSet();
  private readonly items = new Map<string, Item>();
  private readonly itemIds = new SortedIdSet();
  private readonly events = new MemoryEventIndex();
  /** Visible items newest first, rebuilt lazily after any item write. */
  private latestOrder: Item[] | null = null;
  private closed = false;

  async upsertUsers(users: User[]): Promise<void> {
    this.assertOpen();
    for (const user of users) this.putUser(structuredClone(user));
  }

  async getUser(id: string): Promise<User | null> {
    this.assertOpen();
    const user = this.users.get(id);
    return user === undefined ? null : structuredClone(user);
  }

  async listUsers(opts: ListOptions): Promise<Page<User>> {
    this.assertOpen();
    return this.listPage('users', this.userIds, this.users, opts);
  }

  async patchUser(id: string, patch: UserPatch): Promise<User | null> {
    this.assertOpen();
    const user = this.users.get(id);
    if (user === undefined) return null;
    const next: User = { ...user, attributes: mergeUserAttributes(user.attributes, structuredClone(patch.attributes)) };
    this.users.set(id, next);
    return structuredClone(next);
  }

  async deleteUser(id: string): Promise<boolean> {
    this.assertOpen();
    if (!this.users.delete(id)) return false;
    this.userIds.delete(id);
    this.events.deleteUserEvents(id);
    return true;
  }

  async missingUsers(ids: string[]): Promise<string[]> {
    this.assertOpen();
    return distinctInOrder(ids).filter((id) => !this.users.has(id));
  }

  async upsertItems(items: Item[]): Promise<void> {
    this.assertOpen();
    for (const item of items) this.putItem({ ...structuredClone(item), embedding: toFloat32Embedding(item.embedding) });
  }

  async getItem(id: string): Promise<Item | null> {
    this.assertOpen();
    const item = this.items.get(id);
    return item === undefined ? null : structuredClone(item);
  }

  async getItems(ids: string[]): Promise<Item[]> {
    this.assertOpen();
    const found: Item[] = [];
    for (const id of distinctInOrder(ids)) {
      const item = this.items.get(id);
      if (item !== undefined) found.push(structuredClone(item));
    }
    return found;
  }

  async listItems(opts: ListOptions): Promise<Page<Item>> {
    this.assertOpen();
    return this.listPage('items', this.itemIds, this.items, opts);
  }

  async patchItem(id: string, patch: ItemPatch): Promise<Item | null> {
    this.assertOpen();
    const item = this.items.get(id);
    if (item === undefined) return null;
    const next = applyItemPatch(item, structuredClone(patch));
    this.putItem(next);
    return structuredClone(next);
  }

  async deleteItem(id: string): Promise<boolean> {
    this.assertOpen();
    if (!this.items.delete(id)) return false;
    this.itemIds.delete(id);
    this.latestOrder = null;
    this.events.deleteItemEvents(id);
    return true;
  }

  async missingItems(ids: string[]): Promise<string[]> {
    this.assertOpen();
    return distinctInOrder(ids).filter((id) => !this.items.has(id));
  }

  async latestItems(opts: { limit: number; category?: string | undefined }): Promise<Item[]> {
    this.assertOpen();
    requirePositiveInteger('limit', opts.limit);
    this.latestOrder ??= [...this.items.values()]
      .filter((item) => !item.hidden)
      .sort((a, b) => b.createdAt - a.createdAt || compareIds(a.id, b.id));
    const { category } = opts;
    const found: Item[] = [];
    for (const item of this.latestOrder) {
      if (found.length >= opts.limit) break;
      if (category === undefined || item.categories.includes(category)) found.push(structuredClone(item));
    }
    return found;
  }

  async *scanItems(batchSize: number): AsyncIterable<Item[]> {
    requirePositiveInteger('batchSize', batchSize);
    let after: string | null = null;
    for (;;) {
      this.assertOpen();
      // Keyset by id, re-located every batch, so writes between batches are tolerated.
      const ids = this.itemIds.inOrder();
      const start: number = after === null ? 0 : firstIdAfter(ids, after);
      const batchIds = ids.slice(start, start + batchSize);
      if (batchIds.length === 0) return;
      after = batchIds[batchIds.length - 1] as string;
      yield batchIds.map((id) => structuredClone(this.items.get(id) as Item));
    }
  }

  async insertEvents(events: FeedbackEvent[], opts: InsertEventsOptions): Promise<{ inserted: number }> {
    this.assertOpen();
    // Only the first copy of an id not yet stored counts; ignored copies have no effect at all.
    const fresh: FeedbackEvent[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      if (this.events.has(event.id) || seen.has(event.id)) continue;
      seen.add(event.id);
      fresh.push(event);
    }
    const userIds = distinctInOrder(fresh.map((e) => e.user));
    const itemIds = distinctInOrder(fresh.map((e) => e.item));
    if (opts.createMissing) {
      for (const id of userIds) if (!this.users.has(id)) this.putUser(bareUser(id, opts.now));
      for (const id of itemIds) if (!this.items.has(id)) this.putItem(bareItem(id, opts.now));
    } else {
      // Check everything before storing anything: the batch is all or nothing.
      const unknownUsers = userIds.filter((id) => !this.users.has(id));
      const unknownItems = itemIds.filter((id) => !this.items.has(id));
      if (unknownUsers.length > 0 || unknownItems.length > 0) throw unknownReferencesError(unknownUsers, unknownItems);
    }
    for (const event of fresh) this.events.add(structuredClone(event));
    return { inserted: fresh.length };
  }

  async userEvents(user: string, q: EventQuery): Promise<FeedbackEvent[]> {
    this.assertOpen();
    requirePositiveInteger('limit', q.limit);
    return this.events.userHistory(user, q);
  }

  async itemEvents(item: string, q: EventQuery): Promise<FeedbackEvent[]> {
    this.assertOpen();
    requirePositiveInteger('limit', q.limit);
    return this.events.itemHistory(item, q);
  }

  async *scanEvents(batchSize: number): AsyncIterable<FeedbackEvent[]> {
    requirePositiveInteger('batchSize', batchSize);
    const events = this.events.values();
    for (;;) {
      this.assertOpen();
      const batch: FeedbackEvent[] = [];
      for (let next = events.next(); !next.done; next = events.next()) {
        batch.push(structuredClone(next.value));
        if (batch.length === batchSize) break;
      }
      if (batch.length === 0) return;
      yield batch;
    }
  }

  async eventCounts(q: EventCountQuery): Promise<EventBucket[]> {
    this.assertOpen();
    requireBucketQuery(q);
    const perBucket = new Map<number, number>();
    for (const e of this.events.values()) {
      if (e.timestamp < q.from || e.timestamp >= q.to) continue;
      const start = Math.floor(e.timestamp / q.bucketMs) * q.bucketMs;
      perBucket.set(start, (perBucket.get(start) ?? 0) + 1);
    }
    return [...perBucket].sort((a, b) => a[0] - b[0]).map(([start, events]) => ({ start, events }));
  }

  async counts(): Promise<StoreCounts> {
    this.assertOpen();
    return { users: this.users.size, items: this.items.size, events: this.events.size };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private putUser(user: User): void {
    this.users.set(user.id, user);
    this.userIds.add(user.id);
  }

  private putItem(item: Item): void {
    this.items.set(item.id, item);
    this.itemIds.add(item.id);
    this.latestOrder = null;
  }

  private listPage<T>(kind: ListKind, ids: SortedIdSet, records: Map<string, T>, opts: ListOptions): Page<T> {
    requirePositiveInteger('limit', opts.limit);
    const sorted = ids.inOrder();
    const start = opts.cursor == null ? 0 : firstIdAfter(sorted, decodeListCursor(kind, opts.cursor));
    const pageIds = sorted.slice(start, start + opts.limit);
    const hasMore = start + opts.limit < sorted.length;
    const lastId = pageIds[pageIds.length - 1];
    return {
      items: pageIds.map((id) => structuredClone(records.get(id) as T)),
      next: hasMore && lastId !== undefined ? encodeListCursor(kind, lastId) : null,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('data store');
  }
}
