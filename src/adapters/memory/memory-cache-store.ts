import { systemClock } from '../../core/index.js';
import type { Clock } from '../../core/index.js';
import type { CacheStore, CounterDeltas, CounterValue, RecentEntry, RecentPush } from '../../ports/index.js';
import {
  compareIds,
  counterDeltaPairs,
  decodeRecentMember,
  encodeRecentMember,
  groupRecentByUser,
  requirePositiveInteger,
  requireTtl,
  storeClosedError,
} from '../shared/index.js';

export interface MemoryCacheStoreOptions {
  /** Cached results kept at most; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  clock?: Clock;
}

interface CachedValue {
  value: Uint8Array;
  expiresAt: number;
}

interface CounterSet {
  counts: Map<string, number>;
  expiresAt: number;
}

/**
 * CacheStore in process memory: the default for a single process, where nothing needs sharing.
 * It mirrors the Redis adapter's semantics exactly (the shared contract suite checks both),
 * including the order of recent entries with equal timestamps (see encodeRecentMember).
 */
export class MemoryCacheStore implements CacheStore {
  /** Map order is recency order: a hit moves its key to the end, eviction takes the front. */
  private readonly results = new Map<string, CachedValue>();
  private readonly versions = new Map<string, number>();
  /** Per user, encoded entries (see encodeRecentMember) newest first. */
  private readonly recents = new Map<string, { member: string; timestamp: number }[]>();
  private readonly counters = new Map<string, CounterSet>();
  private readonly maxEntries: number;
  private readonly clock: Clock;
  private closed = false;

  constructor(options: MemoryCacheStoreOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.clock = options.clock ?? systemClock;
  }

  async get(key: string): Promise<Uint8Array | null> {
    this.assertOpen();
    const cached = this.results.get(key);
    if (cached === undefined) return null;
    this.results.delete(key);
    if (cached.expiresAt <= this.clock.now()) return null;
    this.results.set(key, cached);
    return cached.value.slice();
  }

  async set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    this.assertOpen();
    requireTtl(ttlMs);
    this.results.delete(key);
    this.results.set(key, { value: value.slice(), expiresAt: this.clock.now() + ttlMs });
    while (this.results.size > this.maxEntries) {
      const oldest = this.results.keys().next();
      if (oldest.done === true) break;
      this.results.delete(oldest.value);
    }
  }

  async delete(keys: string[]): Promise<void> {
    this.assertOpen();
    for (const key of keys) this.results.delete(key);
  }

  async userVersion(user: string): Promise<number> {
    this.assertOpen();
    return this.versions.get(user) ?? 0;
  }

  async bumpUsers(users: string[]): Promise<void> {
    this.assertOpen();
    for (const user of new Set(users)) this.versions.set(user, (this.versions.get(user) ?? 0) + 1);
  }

  async pushRecent(entries: RecentPush[], cap: number): Promise<void> {
    this.assertOpen();
    for (const [user, added] of groupRecentByUser(entries, cap)) {
      const byMember = new Map((this.recents.get(user) ?? []).map((e) => [e.member, e]));
      for (const entry of added) byMember.set(encodeRecentMember(entry), { member: encodeRecentMember(entry), timestamp: entry.timestamp });
      // Redis orders a sorted set by score, then member bytes; recent() reads it backwards.
      const kept = [...byMember.values()].sort((a, b) => b.timestamp - a.timestamp || compareIds(b.member, a.member));
      this.recents.set(user, kept.slice(0, cap));
    }
  }

  async recent(user: string, n: number): Promise<RecentEntry[]> {
    this.assertOpen();
    requirePositiveInteger('n', n);
    return (this.recents.get(user) ?? []).slice(0, n).map((e) => decodeRecentMember(e.member));
  }

  async incrementCounters(name: string, deltas: CounterDeltas, ttlMs?: number): Promise<void> {
    this.assertOpen();
    const pairs = counterDeltaPairs(deltas);
    if (ttlMs !== undefined) requireTtl(ttlMs);
    let set = this.liveCounters(name);
    if (set === undefined && pairs.length > 0) {
      set = { counts: new Map(), expiresAt: Number.POSITIVE_INFINITY };
      this.counters.set(name, set);
    }
    if (set === undefined) return;
    for (const [key, delta] of pairs) set.counts.set(key, (set.counts.get(key) ?? 0) + delta);
    if (ttlMs !== undefined) set.expiresAt = this.clock.now() + ttlMs;
  }

  async topCounters(name: string, n: number): Promise<CounterValue[]> {
    this.assertOpen();
    requirePositiveInteger('n', n);
    const set = this.liveCounters(name);
    if (set === undefined) return [];
    return [...set.counts]
      .sort(([ka, a], [kb, b]) => b - a || compareIds(ka, kb))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The named counter set unless absent or expired (an expired one is dropped, as Redis does). */
  private liveCounters(name: string): CounterSet | undefined {
    const set = this.counters.get(name);
    if (set !== undefined && set.expiresAt <= this.clock.now()) {
      this.counters.delete(name);
      return undefined;
    }
    return set;
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('cache store');
  }
}
