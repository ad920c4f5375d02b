import { LRUCache } from 'lru-cache';
import type { Candidate } from '../pipeline/index.js';

/** A cached list, the request id it was first served (and logged) under, and its answer. */
export interface CachedList {
  items: Candidate[];
  requestId: string;
  /** The items as answered, and as JSON (what a repeat sends again). */
  answer: { id: string; score: number; source: string; reason: string }[];
  answerJson: string;
}

type Entry = CachedList;

/**
 * Per-user results cache, in process. An entry lives for its surface's cacheSeconds unless the
 * user's feedback or profile changes first: invalidateUser drops their entries (the engine calls
 * it for every event appended to the log by any process, and for profile writes here). A list
 * computed while an invalidation arrived is not stored (see version()).
 */
export class ServingCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly keysByUser = new Map<string, Set<string>>();
  /** Per user, how many invalidations this process has seen (absent = 0). */
  private readonly versions = new Map<string, number>();
  hits = 0;
  misses = 0;

  constructor(maxEntries: number) {
    this.lru = new LRUCache<string, Entry>({
      max: Math.max(1, maxEntries),
      ttlAutopurge: false,
      dispose: (_value, key) => this.forget(key),
    });
  }

  get(user: string, key: string): CachedList | undefined {
    const e = this.lru.get(`${user}\u0000${key}`);
    if (e) {
      this.hits++;
      return e;
    }
    this.misses++;
    return undefined;
  }

  /** Read before computing a list; pass to set(), which drops the list if it changed meanwhile. */
  version(user: string): number {
    return this.versions.get(user) ?? 0;
  }

  set(user: string, key: string, list: CachedList, ttlSeconds: number, versionAtStart: number): void {
    if (ttlSeconds <= 0 || this.version(user) !== versionAtStart) return;
    const full = `${user}\u0000${key}`;
    this.lru.set(full, list, { ttl: ttlSeconds * 1000 });
    let keys = this.keysByUser.get(user);
    if (!keys) this.keysByUser.set(user, (keys = new Set()));
    keys.add(full);
  }

  invalidateUser(user: string): void {
    // Bumped even without entries: a list being computed right now must not be stored.
    this.versions.set(user, this.version(user) + 1);
    if (this.versions.size > 1_000_000) this.versions.clear(); // bounded; a reset only skips caching
    const keys = this.keysByUser.get(user);
    if (!keys) return;
    for (const k of [...keys]) this.lru.delete(k);
    this.keysByUser.delete(user);
  }

  clear(): void {
    this.lru.clear();
    this.keysByUser.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  private forget(full: string): void {
    const user = full.slice(0, full.indexOf('\u0000'));
    const keys = this.keysByUser.get(user);
    keys?.delete(full);
    if (keys && keys.size === 0) this.keysByUser.delete(user);
  }
}
