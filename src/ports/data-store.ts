import type { FeedbackEvent, Item, JsonObject, Page, User } from '../core/index.js';

/** Lists are ordered by id in Unicode code point order (= UTF-8 byte order). */
export interface ListOptions {
  /** A positive integer; `next` is null exactly when no record follows this page. */
  limit: number;
  /** Opaque cursor from a previous page's `next`; absent for the first page. */
  cursor?: string | null | undefined;
}

/** Fields a PATCH may change. `attributes` is merged shallowly; a null value deletes a key. */
export interface UserPatch {
  attributes?: { [key: string]: JsonObject[string] | null };
}

export type ItemPatch = Partial<Omit<Item, 'id' | 'numeric'>> & {
  numeric?: Record<string, number | null>;
};

export interface InsertEventsOptions {
  /** Create bare users/items for ids that do not exist yet (otherwise the caller checked). */
  createMissing: boolean;
  now: number;
}

/** Histories are ordered newest first: timestamp descending, then id descending. */
export interface EventQuery {
  limit: number;
  /** Only events strictly before this time (ms), for paging backwards. */
  before?: number | undefined;
  /**
   * Tie-breaker for `before` (ignored without it): events at exactly `before` whose id is lower
   * than this are returned too. Paging with the last event's timestamp and id as
   * (`before`, `beforeId`) visits every event once even when many share one timestamp.
   */
  beforeId?: string | undefined;
}

/** Events per time bucket (eventCounts): buckets start at multiples of bucketMs since the epoch. */
export interface EventCountQuery {
  /** Events with timestamp >= from (ms). */
  from: number;
  /** Events with timestamp < to (ms). */
  to: number;
  /** A positive integer number of ms. */
  bucketMs: number;
}

export interface EventBucket {
  /** ms since the epoch, a multiple of bucketMs. */
  start: number;
  events: number;
}

export interface StoreCounts {
  users: number;
  items: number;
  events: number;
}

/**
 * Users, items and applied feedback. Narrow, async and batch-first so that embedded and
 * networked backends fit the same shape. Every adapter passes the contract suite in
 * src/ports/testing/data-store.contract.ts.
 */
export interface DataStore {
  /** Replaces whole records, createdAt included; a later duplicate in the batch wins. */
  upsertUsers(users: User[]): Promise<void>;
  getUser(id: string): Promise<User | null>;
  listUsers(opts: ListOptions): Promise<Page<User>>;
  patchUser(id: string, patch: UserPatch): Promise<User | null>;
  /** Deletes the user and every event of theirs; false if there was no such user. */
  deleteUser(id: string): Promise<boolean>;
  /** Of these ids, those that are not stored (distinct, in the order given). */
  missingUsers(ids: string[]): Promise<string[]>;

  /** Replaces whole records, createdAt included; embeddings are stored as float32. */
  upsertItems(items: Item[]): Promise<void>;
  getItem(id: string): Promise<Item | null>;
  /** The stored items among ids, in the order given; unknown and repeated ids are skipped. */
  getItems(ids: string[]): Promise<Item[]>;
  listItems(opts: ListOptions): Promise<Page<Item>>;
  patchItem(id: string, patch: ItemPatch): Promise<Item | null>;
  /** Deletes the item and every event on it; false if there was no such item. */
  deleteItem(id: string): Promise<boolean>;
  missingItems(ids: string[]): Promise<string[]>;
  /** Newest visible items first (createdAt descending, ties by id ascending). */
  latestItems(opts: { limit: number; category?: string | undefined }): Promise<Item[]>;
  /** Every item, in batches, for catalogue loading and content training. */
  scanItems(batchSize: number): AsyncIterable<Item[]>;

  /**
   * Stores events, ignoring any whose id is already stored (or repeats earlier in the batch).
   * Returns how many were new. All or nothing: without createMissing, an event naming an
   * unknown user or item fails the whole batch with UNKNOWN_USER / UNKNOWN_ITEM.
   */
  insertEvents(events: FeedbackEvent[], opts: InsertEventsOptions): Promise<{ inserted: number }>;
  /** A user's events, newest first. */
  userEvents(user: string, q: EventQuery): Promise<FeedbackEvent[]>;
  /** An item's events, newest first. */
  itemEvents(item: string, q: EventQuery): Promise<FeedbackEvent[]>;
  /** Every event, in batches, in no particular order (training snapshots). */
  scanEvents(batchSize: number): AsyncIterable<FeedbackEvent[]>;

  counts(): Promise<StoreCounts>;
  /** Events per bucket of event time in [from, to), oldest first; empty buckets are left out. */
  eventCounts(q: EventCountQuery): Promise<EventBucket[]>;
  close(): Promise<void>;
}
