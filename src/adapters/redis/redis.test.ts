import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeCacheStoreContract } from '../../ports/testing/index.js';
import { openRedisCacheStore } from './index.js';
import { deleteKeysWithPrefix, redisSkipReason } from './testing/redis.js';

const url = process.env.MAGPIE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const skipReason = await redisSkipReason(url);
const freshPrefix = (): string => `magpie-test:${randomBytes(6).toString('hex')}:`;

describeCacheStoreContract(
  'redis',
  async () => {
    const keyPrefix = freshPrefix();
    const store = await openRedisCacheStore(url, { keyPrefix });
    return {
      store,
      close: async () => {
        await store.close();
        await deleteKeysWithPrefix(url, keyPrefix);
      },
    };
  },
  { skipReason },
);

describe.skipIf(skipReason !== undefined)(`RedisCacheStore${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('writes only under its key prefix, and two prefixes do not see each other', async () => {
    const [p1, p2] = [freshPrefix(), freshPrefix()];
    const [a, b] = [await openRedisCacheStore(url, { keyPrefix: p1 }), await openRedisCacheStore(url, { keyPrefix: p2 })];
    const admin = new Redis(url);
    try {
      await a.set('k', Uint8Array.of(1), 60_000);
      await a.bumpUsers(['u']);
      await a.pushRecent([{ user: 'u', item: 'i', type: 'view', timestamp: 1 }], 5);
      await a.incrementCounters('c', { i: 1 });
      expect(await b.get('k')).toBeNull();
      expect(await b.userVersion('u')).toBe(0);
      expect((await admin.keys(`${p1}*`)).sort()).toEqual([`${p1}c:k`, `${p1}n:c`, `${p1}r:u`, `${p1}uv`]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      admin.disconnect();
      await Promise.all([deleteKeysWithPrefix(url, p1), deleteKeysWithPrefix(url, p2)]);
    }
  });
});

describe('openRedisCacheStore (needs no server)', () => {
  it('fails to open with UNAVAILABLE, quickly, when nothing listens at the address', async () => {
    const started = Date.now();
    await expect(openRedisCacheStore('redis://127.0.0.1:1', { connectTimeoutMs: 500 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
