import { Redis } from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { MagpieError } from '../../core/index.js';
import type { CacheStore, CounterDeltas, CounterValue, RecentEntry, RecentPush } from '../../ports/index.js';
import {
  counterDeltaPairs,
  decodeRecentMember,
  encodeRecentMember,
  groupRecentByUser,
  requirePositiveInteger,
  requireTtl,
  storeClosedError,
} from '../shared/index.js';
import { redisUnavailable, translateRedisError } from './redis-errors.js';

export interface RedisCacheStoreOptions {
  /** Prefix of every key this store writes, so tenants and test runs share a server safely. */
  keyPrefix?: string;
  /** A command with no reply within this fails UNAVAILABLE (default 1,000 ms). */
  commandTimeoutMs?: number;
  /** How long opening waits for the server (default 2,000 ms). */
  connectTimeoutMs?: number;
  /**
   * false: opening succeeds even when the server does not answer; the client keeps reconnecting
   * and commands fail UNAVAILABLE until it does (a server that must start while Redis is down).
   * Default true: opening fails UNAVAILABLE.
   */
  requireConnection?: boolean;
}

/**
 * CacheStore on Redis, shared by every server process. Layout under the key prefix:
 *   c:<key>      a cached value (string, PX expiry)
 *   uv           user versions (one hash: versions must never expire, see the port)
 *   r:<user>     recent history (sorted set: score = timestamp, member = encodeRecentMember)
 *   n:<name>     a counter set (sorted set; scores are negated counts, so that ascending
 *                ZRANGE gives highest count first with ties in ascending key byte order)
 * Batches go out as one MULTI: one round trip, applied all or nothing.
 *
 * Outages never hang callers: the client has no offline queue and a command timeout, and in-flight
 * commands fail when the connection drops (maxRetriesPerRequest 0), all as UNAVAILABLE; the
 * client meanwhile reconnects by itself (every 50-500 ms) and the same store works again.
 */
export class RedisCacheStore implements CacheStore {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<Uint8Array | null> {
    const value = await this.run('get', () => this.redis.getBuffer(this.resultKey(key)));
    return value === null ? null : new Uint8Array(value); // a copy, not a view of a pooled buffer
  }

  async set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    requireTtl(ttlMs);
    await this.run('set', () => this.redis.set(this.resultKey(key), Buffer.from(value), 'PX', ttlMs));
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return this.assertOpen();
    await this.run('delete', () => this.redis.del(...keys.map((k) => this.resultKey(k))));
  }

  async userVersion(user: string): Promise<number> {
    const version = await this.run('userVersion', () => this.redis.hget(this.versionsKey(), user));
    return version === null ? 0 : Number(version);
  }

  async bumpUsers(users: string[]): Promise<void> {
    const distinct = [...new Set(users)];
    if (distinct.length === 0) return this.assertOpen();
    await this.transaction('bumpUsers', (multi) => {
      for (const user of distinct) multi.hincrby(this.versionsKey(), user, 1);
    });
  }

  async pushRecent(entries: RecentPush[], cap: number): Promise<void> {
    const byUser = groupRecentByUser(entries, cap);
    if (byUser.size === 0) return this.assertOpen();
    await this.transaction('pushRecent', (multi) => {
      for (const [user, list] of byUser) {
        const key = this.recentKey(user);
        multi.zadd(key, ...list.flatMap((entry) => [entry.timestamp, encodeRecentMember(entry)]));
        multi.zremrangebyrank(key, 0, -(cap + 1)); // keep the cap highest (newest)
      }
    });
  }

  async recent(user: string, n: number): Promise<RecentEntry[]> {
    requirePositiveInteger('n', n);
    const members = await this.run('recent', () => this.redis.zrevrange(this.recentKey(user), 0, n - 1));
    return members.map(decodeRecentMember);
  }

  async incrementCounters(name: string, deltas: CounterDeltas, ttlMs?: number): Promise<void> {
    const pairs = counterDeltaPairs(deltas);
    if (ttlMs !== undefined) requireTtl(ttlMs);
    if (pairs.length === 0 && ttlMs === undefined) return this.assertOpen();
    const key = this.countersKey(name);
    await this.transaction('incrementCounters', (multi) => {
      for (const [member, delta] of pairs) multi.zincrby(key, -delta, member);
      if (ttlMs !== undefined) multi.pexpire(key, ttlMs);
    });
  }

  async topCounters(name: string, n: number): Promise<CounterValue[]> {
    requirePositiveInteger('n', n);
    const flat = await this.run('topCounters', () => this.redis.zrange(this.countersKey(name), 0, String(n - 1), 'WITHSCORES'));
    const top: CounterValue[] = [];
    // 0 - score, not -score: a zero count must read 0, not -0.
    for (let i = 0; i + 1 < flat.length; i += 2) top.push({ key: flat[i] as string, count: 0 - Number(flat[i + 1]) });
    return top;
  }

  /** Quits politely when Redis answers, and drops the connection either way (idempotent). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.redis.status === 'ready') {
        await Promise.race([this.redis.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000).unref())]);
      }
      this.redis.disconnect();
    })();
    return this.closing;
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await work();
    } catch (err) {
      throw translateRedisError(operation, err);
    }
  }

  /** Queues commands on a MULTI and executes it; any command's failure fails the whole call. */
  private async transaction(operation: string, queue: (multi: ChainableCommander) => void): Promise<void> {
    const results = await this.run(operation, () => {
      const multi = this.redis.multi();
      queue(multi);
      return multi.exec();
    });
    if (results === null) throw new MagpieError('STORAGE_FAILED', `Redis aborted the ${operation} transaction`);
    const failed = results.find(([err]) => err !== null);
    if (failed !== undefined) throw translateRedisError(operation, failed[0]);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw storeClosedError('cache store');
  }

  private resultKey(key: string): string {
    return `${this.prefix}c:${key}`;
  }

  private versionsKey(): string {
    return `${this.prefix}uv`;
  }

  private recentKey(user: string): string {
    return `${this.prefix}r:${user}`;
  }

  private countersKey(name: string): string {
    return `${this.prefix}n:${name}`;
  }
}

/** Connects to Redis at `url` (redis://host:port/db); UNAVAILABLE when it does not answer in time. */
export async function openRedisCacheStore(url: string, options: RedisCacheStoreOptions = {}): Promise<RedisCacheStore> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    connectionName: 'magpie-cache',
    protocol: 2, // topCounters reads WITHSCORES replies as flat member, score pairs
  });
  // Connection errors reach callers through their commands; without a listener ioredis would
  // print each reconnect failure.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    if (options.requireConnection === false) return new RedisCacheStore(redis, options.keyPrefix ?? 'magpie:');
    redis.disconnect();
    throw redisUnavailable('connect', err);
  }
  return new RedisCacheStore(redis, options.keyPrefix ?? 'magpie:');
}
