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
import { requireBucketQuery, requirePositiveInteger } from '../shared/index.js';
import type { PgLease } from './connection.js';
import { PostgresCatalog } from './postgres-catalog.js';
import { PostgresEvents } from './postgres-events.js';

/**
 * DataStore on Postgres: users and items (PostgresCatalog) and applied events (PostgresEvents)
 * on one lease of the shared pool, which refuses work after close() and turns every driver
 * error into a MagpieError (see postgres-errors.ts).
 */
export class PostgresDataStore implements DataStore {
  private readonly catalog: PostgresCatalog;
  private readonly events: PostgresEvents;

  constructor(private readonly lease: PgLease) {
    this.catalog = new PostgresCatalog(lease);
    this.events = new PostgresEvents(lease, this.catalog);
  }

  upsertUsers(users: User[]): Promise<void> {
    return this.catalog.upsertUsers(users);
  }

  getUser(id: string): Promise<User | null> {
    return this.catalog.getUser(id);
  }

  listUsers(opts: ListOptions): Promise<Page<User>> {
    return this.catalog.listUsers(opts);
  }

  patchUser(id: string, patch: UserPatch): Promise<User | null> {
    return this.catalog.patchUser(id, patch);
  }

  deleteUser(id: string): Promise<boolean> {
    return this.catalog.deleteUser(id);
  }

  missingUsers(ids: string[]): Promise<string[]> {
    return this.catalog.missingUsers(ids);
  }

  upsertItems(items: Item[]): Promise<void> {
    return this.catalog.upsertItems(items);
  }

  getItem(id: string): Promise<Item | null> {
    return this.catalog.getItem(id);
  }

  getItems(ids: string[]): Promise<Item[]> {
    return this.catalog.getItems(ids);
  }

  listItems(opts: ListOptions): Promise<Page<Item>> {
    return this.catalog.listItems(opts);
  }

  patchItem(id: string, patch: ItemPatch): Promise<Item | null> {
    return this.catalog.patchItem(id, patch);
  }

  deleteItem(id: string): Promise<boolean> {
    return this.catalog.deleteItem(id);
  }

  missingItems(ids: string[]): Promise<string[]> {
    return this.catalog.missingItems(ids);
  }

  latestItems(opts: { limit: number; category?: string | undefined }): Promise<Item[]> {
    return this.catalog.latestItems(opts);
  }

  async *scanItems(batchSize: number): AsyncIterable<Item[]> {
    requirePositiveInteger('batchSize', batchSize);
    let afterId: string | null = null;
    for (;;) {
      const batch: Item[] = await this.catalog.itemsBatch(afterId, batchSize);
      const last = batch[batch.length - 1];
      if (last === undefined) return;
      afterId = last.id;
      yield batch;
    }
  }

  insertEvents(events: FeedbackEvent[], opts: InsertEventsOptions): Promise<{ inserted: number }> {
    return this.events.insert(events, opts).then((inserted) => ({ inserted }));
  }

  userEvents(user: string, q: EventQuery): Promise<FeedbackEvent[]> {
    return this.events.userHistory(user, q);
  }

  itemEvents(item: string, q: EventQuery): Promise<FeedbackEvent[]> {
    return this.events.itemHistory(item, q);
  }

  async *scanEvents(batchSize: number): AsyncIterable<FeedbackEvent[]> {
    requirePositiveInteger('batchSize', batchSize);
    let afterId: string | null = null;
    for (;;) {
      const batch: FeedbackEvent[] = await this.events.batchAfter(afterId, batchSize);
      const last = batch[batch.length - 1];
      if (last === undefined) return;
      afterId = last.id;
      yield batch;
    }
  }

  async eventCounts(q: EventCountQuery): Promise<EventBucket[]> {
    requireBucketQuery(q);
    return this.events.eventCounts(q);
  }

  counts(): Promise<StoreCounts> {
    return this.events.counts();
  }

  close(): Promise<void> {
    return this.lease.close();
  }
}
