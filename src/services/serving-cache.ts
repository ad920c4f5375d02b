import { LRUCache } from 'lru-cache';
import type { Candidate } from '../pipeline/index.js';

interface Entry {
  /** What the user's newest event and attributes were when the list was computed. */
  token: string;
  items: Candidate[];
}

/**
 * Per-user results cache. An entry is valid while the user's newest event and attributes are
 * what they were when it was computed (checked per request with one indexed read, so it is right
 * across processes sharing a store), for at most its surface's cacheSeconds; a user's new
 * feedback or profile change in this process also drops their entries at once.
 */
export class ServingCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly keysByUser = new Map<string, Set<string>>();
  hits = 0;
  misses = 0;

  constructor(maxEntries: number) {
    this.lru = new LRUCache<string, Entry>({
      max: Math.max(1, maxEntries),
      ttlAutopurge: false,
      dispose: (_value, key) => this.forget(key),
    });
  }

  get(user: string, key: string, token: string): Candidate[] | undefined {
    const e = this.lru.get(`${user}\u0000${key}`);
    if (e && e.token === token) {
      this.hits++;
      return e.items;
    }
    this.misses++;
    return undefined;
  }

  set(user: string, key: string, token: string, items: Candidate[], ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    const full = `${user}\u0000${key}`;
    this.lru.set(full, { token, items }, { ttl: ttlSeconds * 1000 });
    let keys = this.keysByUser.get(user);
    if (!keys) this.keysByUser.set(user, (keys = new Set()));
    keys.add(full);
  }

  invalidateUser(user: string): void {
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
