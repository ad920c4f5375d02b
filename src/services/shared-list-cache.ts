import { createHash } from 'node:crypto';
import type { Candidate } from '../pipeline/index.js';
import type { CacheStore } from '../ports/index.js';
import type { CachedList } from './serving-cache.js';

/** What a lookup found: a list still valid for the user, and the version to store a new one under. */
export interface SharedLookup {
  list: CachedList | undefined;
  /** The user's version as read with the list; null when the shared cache cannot be used now. */
  version: number | null;
}

export interface SharedListCacheOptions {
  /** After a failure the cache is left alone this long before it is tried again (ms, default 1,000). */
  retryAfterMs?: number;
  /** Users whose invalidation is remembered while the cache is down (default 100,000). */
  maxPendingUsers?: number;
  now?: () => number;
  /** Called when the cache goes down (with the error) and when it works again. */
  onStateChange?: (up: boolean, err?: unknown) => void;
}

/** A list as stored in the shared cache: the user's version it was computed under, then the list. */
interface StoredList {
  v: number;
  r: string;
  i: (Omit<Candidate, 'features'> & { f?: number[] })[];
  a: string;
}

/**
 * The results cache that every server process shares (a CacheStore, Redis in production), the
 * second level behind each process's in-memory ServingCache. A list is stored with the user's
 * version as read before it was computed, and served only while that version is unchanged: the
 * process that applies a user's feedback bumps the version (invalidate), which retires the user's
 * lists in every process at once. Keys name the models in service, so a process never serves a
 * list another process computed with other models.
 *
 * The cache is optional by nature: when the backend fails, lookups answer "not cached" and
 * writes are dropped, so serving goes on from the stores (slower, never failing). For
 * retryAfterMs after a failure nothing is sent, so a hung backend costs one command timeout per
 * interval, not one per request. Invalidations that could not be delivered are kept and sent
 * first when the backend answers again; until they are, this process does not read the cache,
 * since lists of those users may be stale there.
 */
export class SharedListCache {
  hits = 0;
  misses = 0;
  failures = 0;
  private downUntil = 0;
  private up = true;
  /** Users to bump, each with a counter that changes when the user is invalidated again. */
  private readonly pending = new Map<string, number>();
  private pendingSerial = 0;
  private overflowed = false;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly backend: CacheStore,
    private readonly opts: SharedListCacheOptions = {},
  ) {}

  /** Whether the backend answered the last command sent to it. */
  get available(): boolean {
    return this.up;
  }

  async lookup(user: string, key: string, models: string): Promise<SharedLookup> {
    if (!(await this.usable())) return { list: undefined, version: null };
    try {
      // Both in one round trip: the client pipelines commands sent together.
      const [raw, version] = await Promise.all([this.backend.get(listKey(user, key, models)), this.backend.userVersion(user)]);
      this.succeeded();
      const stored = raw === null ? undefined : decode(raw);
      if (stored !== undefined && stored.v === version) {
        this.hits++;
        return { list: toCachedList(stored), version };
      }
      this.misses++;
      return { list: undefined, version };
    } catch (err) {
      this.failed(err);
      return { list: undefined, version: null };
    }
  }

  /** Stores a list computed under `version` (from lookup), in the background: never delays the answer. */
  store(user: string, key: string, models: string, list: CachedList, ttlSeconds: number, version: number | null): void {
    if (version === null || ttlSeconds <= 0 || !this.retryDue()) return;
    const value = encode(list, version);
    this.write(listKey(user, key, models), value, Math.max(1, Math.ceil(ttlSeconds * 1000)));
  }

  /**
   * Retires the users' cached lists in every process. Resolves once delivered, or once it failed
   * (the users are then remembered and sent when the backend is back); never rejects.
   */
  async invalidate(users: Iterable<string>): Promise<void> {
    for (const user of users) {
      if (this.pending.size >= (this.opts.maxPendingUsers ?? 100_000) && !this.pending.has(user)) {
        this.overflowed = true;
        continue;
      }
      this.pending.set(user, ++this.pendingSerial);
    }
    await this.flush();
  }

  private write(key: string, value: Uint8Array, ttlMs: number): void {
    this.backend.set(key, value, ttlMs).then(
      () => this.succeeded(),
      (err: unknown) => this.failed(err),
    );
  }

  /** Sends pending invalidations first; false while the cache must not be read. */
  private async usable(): Promise<boolean> {
    if (!this.retryDue()) return false;
    if (this.pending.size > 0) await this.flush();
    return this.pending.size === 0 && this.retryDue();
  }

  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      // Yield first: a run that ends without awaiting would reset `flushing` before it is set.
      await undefined;
      try {
        while (this.pending.size > 0 && this.retryDue()) {
          const batch = [...this.pending];
          try {
            await this.backend.bumpUsers(batch.map(([user]) => user));
          } catch (err) {
            this.failed(err);
            return;
          }
          this.succeeded();
          // A user invalidated again while the bump was on its way is bumped once more.
          for (const [user, serial] of batch) if (this.pending.get(user) === serial) this.pending.delete(user);
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private retryDue(): boolean {
    return this.now() >= this.downUntil;
  }

  private succeeded(): void {
    if (this.up) return;
    this.up = true;
    this.opts.onStateChange?.(true);
  }

  private failed(err: unknown): void {
    this.failures++;
    this.downUntil = this.now() + (this.opts.retryAfterMs ?? 1_000);
    if (!this.up) return;
    this.up = false;
    this.opts.onStateChange?.(false, err);
  }

  /** True once invalidations were dropped because too many users were waiting (see the ADR). */
  get lostInvalidations(): boolean {
    return this.overflowed;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }
}

/** user, request key and model versions hashed: fixed-length keys whatever the ids hold. */
function listKey(user: string, key: string, models: string): string {
  return `list:${createHash('sha256').update(JSON.stringify([user, models, key])).digest('base64url')}`;
}

function encode(list: CachedList, version: number): Uint8Array {
  const stored: StoredList = {
    v: version,
    r: list.requestId,
    i: list.items.map(({ features, ...rest }) => (features ? { ...rest, f: Array.from(features) } : rest)),
    a: list.answerJson,
  };
  return Buffer.from(JSON.stringify(stored));
}

function decode(raw: Uint8Array): StoredList | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(raw).toString('utf8')) as StoredList;
    return typeof parsed.v === 'number' && Array.isArray(parsed.i) && typeof parsed.a === 'string' ? parsed : undefined;
  } catch {
    return undefined; // written by another version of Magpie: recompute
  }
}

function toCachedList(stored: StoredList): CachedList {
  return {
    requestId: stored.r,
    items: stored.i.map(({ f, ...rest }) => (f ? { ...rest, features: Float64Array.from(f) } : rest)),
    answer: JSON.parse(stored.a) as CachedList['answer'],
    answerJson: stored.a,
  };
}
