/** One entry of a user's recent history in the online state. */
export interface RecentEntry {
  item: string;
  type: string;
  timestamp: number;
}

/**
 * A recent-history entry with the user it belongs to. A FeedbackEvent has this shape, so ingest
 * can push the events of a batch as they are (other fields are ignored, not stored).
 */
export interface RecentPush extends RecentEntry {
  user: string;
}

export interface CounterValue {
  key: string;
  count: number;
}

/** Counter deltas by key. A Map is safest for free-text keys ("__proto__" is a legal item id). */
export type CounterDeltas = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/**
 * What several server processes must share beyond the durable stores: cached results, the
 * per-user versions that invalidate them, and the online state (recent history, counters).
 * Everything here may be lost (a restart of an in-memory adapter, eviction by Redis): callers
 * treat a miss as "recompute", never as an error. Backend outages fail fast with UNAVAILABLE.
 *
 * Invalidation: a cached list records userVersion(user) as read before computing it; a reader
 * uses it only while the version is unchanged. Feedback or a profile change calls bumpUsers, so
 * every process sees the change at once without deleting keys it does not know.
 */
export interface CacheStore {
  /** The value stored under key, or null when absent or expired. The result is the caller's own copy. */
  get(key: string): Promise<Uint8Array | null>;
  /** Stores a copy of value for ttlMs (a positive integer), replacing any earlier value. */
  set(key: string, value: Uint8Array, ttlMs: number): Promise<void>;
  /** Removes these keys; absent ones are ignored. */
  delete(keys: string[]): Promise<void>;

  /** The user's current version: 0 until first bumped, then only ever growing. Never expires. */
  userVersion(user: string): Promise<number>;
  /** Raises the version of each distinct user listed by one. */
  bumpUsers(users: string[]): Promise<void>;

  /**
   * Adds entries to their users' recent histories, then keeps each touched history to its `cap`
   * newest (by timestamp). An entry equal to one already kept (same item, type and timestamp) is
   * kept once, so replaying the log does not duplicate history. Entries of many users in one
   * call: an ingest batch is written in one round trip, not one per user.
   */
  pushRecent(entries: RecentPush[], cap: number): Promise<void>;
  /**
   * Up to n of the user's entries, newest first. Entries with equal timestamps come in an order
   * that is stable and the same in every adapter, but otherwise unspecified.
   */
  recent(user: string, n: number): Promise<RecentEntry[]>;

  /**
   * Adds each delta (finite; zero is ignored) to the named counter set's keys, creating them at 0.
   * With ttlMs the whole set expires ttlMs after this call (for time-bucketed counts such as
   * "views this hour"); without it any earlier expiry stands.
   */
  incrementCounters(name: string, deltas: CounterDeltas, ttlMs?: number): Promise<void>;
  /** Up to n keys of the named set, highest count first, ties by key in code point order. */
  topCounters(name: string, n: number): Promise<CounterValue[]>;

  close(): Promise<void>;
}
