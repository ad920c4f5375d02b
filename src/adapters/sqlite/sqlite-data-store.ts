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
import type { ConnectionLease } from './connection.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { SqliteEvents } from './sqlite-events.js';

/**
 * DataStore on SQLite. The driver is synchronous, so each method runs its statements to
 * completion inside lease.run (which also turns driver errors into STORAGE_FAILED); the
 * promises exist for the port's sake, where networked backends really wait.
 */
export class SqliteDataStore implements DataStore {
  private readonly catalog: SqliteCatalog;
  private readonly events: SqliteEvents;

  constructor(private readonly lease: ConnectionLease) {
    this.catalog = new SqliteCatalog(lease.db);
    this.events = new SqliteEvents(lease.db, this.catalog);
  }

  async upsertUsers(users: User[]): Promise<void> {
    this.lease.run('upsertUsers', () => this.catalog.upsertUsers(users));
  }

  async getUser(id: string): Promise<User | null> {
    return this.lease.run('getUser', () => this.catalog.getUser(id));
  }

  async listUsers(opts: ListOptions): Promise<Page<User>> {
    return this.lease.run('listUsers', () => this.catalog.listUsers(opts));
  }

  async patchUser(id: string, patch: UserPatch): Promise<User | null> {
    return this.lease.run('patchUser', () => this.catalog.patchUser(id, patch));
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.lease.run('deleteUser', () => this.catalog.deleteUser(id));
  }

  async missingUsers(ids: string[]): Promise<string[]> {
    return this.lease.run('missingUsers', () => this.catalog.missingUsers(ids));
  }

  async upsertItems(items: Item[]): Promise<void> {
    this.lease.run('upsertItems', () => this.catalog.upsertItems(items));
  }

  async getItem(id: string): Promise<Item | null> {
    return this.lease.run('getItem', () => this.catalog.getItem(id));
  }

  async getItems(ids: string[]): Promise<Item[]> {
    return this.lease.run('getItems', () => this.catalog.getItems(ids));
  }

  async listItems(opts: ListOptions): Promise<Page<Item>> {
    return this.lease.run('listItems', () => this.catalog.listItems(opts));
  }

  async patchItem(id: string, patch: ItemPatch): Promise<Item | null> {
    return this.lease.run('patchItem', () => this.catalog.patchItem(id, patch));
  }

  async deleteItem(id: string): Promise<boolean> {
    return this.lease.run('deleteItem', () => this.catalog.deleteItem(id));
  }

  async missingItems(ids: string[]): Promise<string[]> {
    return this.lease.run('missingItems', () => this.catalog.missingItems(ids));
  }

  async latestItems(opts: { limit: number; category?: string | undefined }): Promise<Item[]> {
    return this.lease.run('latestItems', () => this.catalog.latestItems(opts));
  }

  async *scanItems(batchSize: number): AsyncIterable<Item[]> {
    requirePositiveInteger('batchSize', batchSize);
    let afterId: string | null = null;
    for (;;) {
      const batch: Item[] = this.lease.run('scanItems', () => this.catalog.itemsBatch(afterId, batchSize));
      const last = batch[batch.length - 1];
      if (last === undefined) return;
      afterId = last.id;
      yield batch;
    }
  }

  async insertEvents(events: FeedbackEvent[], opts: InsertEventsOptions): Promise<{ inserted: number }> {
    return { inserted: this.lease.run('insertEvents', () => this.events.insert(events, opts)) };
  }

  async userEvents(user: string, q: EventQuery): Promise<FeedbackEvent[]> {
    return this.lease.run('userEvents', () => this.events.userHistory(user, q));
  }

  async itemEvents(item: string, q: EventQuery): Promise<FeedbackEvent[]> {
    return this.lease.run('itemEvents', () => this.events.itemHistory(item, q));
  }

  async *scanEvents(batchSize: number): AsyncIterable<FeedbackEvent[]> {
    requirePositiveInteger('batchSize', batchSize);
    let afterRowid = 0;
    for (;;) {
      const batch = this.lease.run('scanEvents', () => this.events.batchAfter(afterRowid, batchSize));
      if (batch.events.length === 0) return;
      afterRowid = batch.lastRowid;
      yield batch.events;
    }
  }

  async eventCounts(q: EventCountQuery): Promise<EventBucket[]> {
    requireBucketQuery(q);
    return this.lease.run('eventCounts', () => this.events.eventCounts(q));
  }

  async counts(): Promise<StoreCounts> {
    return this.lease.run('counts', () => this.events.counts());
  }

  async close(): Promise<void> {
    this.lease.close();
  }
}
