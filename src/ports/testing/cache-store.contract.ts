import { expect, it } from 'vitest';
import type { CacheStore, RecentPush } from '../cache-store.js';
import { byCodePoint, describeContract, expectMagpieError, makeEvent } from './fixtures.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function push(user: string, item: string, timestamp: number, type = 'view'): RecentPush {
  return { user, item, type, timestamp };
}

/**
 * The behaviour every CacheStore adapter must have (see src/ports/cache-store.ts). `open` must
 * give a fresh, empty store each time (e.g. a unique key prefix). Expiry is checked with real
 * time, in steps of a few hundred milliseconds.
 */
export function describeCacheStoreContract(adapter: string, open: OpenStore<CacheStore>, options?: ContractOptions): void {
  describeContract('CacheStore', adapter, open, options, (cache) => {
    it('a missing key reads null; a stored value reads back equal and as the caller’s own copy', async () => {
      expect(await cache().get('nothing')).toBeNull();
      const value = Uint8Array.from({ length: 256 }, (_, i) => i);
      await cache().set('all-bytes', value, 60_000);
      value[0] = 99; // the store kept its own copy
      const read = await cache().get('all-bytes');
      expect(read).toBeInstanceOf(Uint8Array);
      expect(Array.from(read ?? [])).toEqual(Array.from({ length: 256 }, (_, i) => i));
      (read as Uint8Array)[1] = 99; // and hands out copies
      expect((await cache().get('all-bytes'))?.[1]).toBe(1);
      await cache().set('empty', new Uint8Array(0), 60_000);
      expect((await cache().get('empty'))?.length).toBe(0);
    });

    it('set replaces; delete removes the keys listed and ignores absent ones', async () => {
      await cache().set('k', bytes(1), 60_000);
      await cache().set('k', bytes(2, 3), 60_000);
      await cache().set('other', bytes(4), 60_000);
      expect(Array.from((await cache().get('k')) ?? [])).toEqual([2, 3]);
      await cache().delete(['k', 'never-set']);
      await cache().delete([]);
      expect(await cache().get('k')).toBeNull();
      expect(Array.from((await cache().get('other')) ?? [])).toEqual([4]);
    });

    it('a value expires after its ttl; a longer-lived one stays', async () => {
      await cache().set('short', bytes(1), 100);
      await cache().set('long', bytes(2), 60_000);
      await sleep(250);
      expect(await cache().get('short')).toBeNull();
      expect(Array.from((await cache().get('long')) ?? [])).toEqual([2]);
    });

    it('user versions start at 0 and rise by one per bump, for each distinct user listed', async () => {
      expect(await cache().userVersion('u1')).toBe(0);
      await cache().bumpUsers(['u1', 'u2', 'u1']);
      await cache().bumpUsers([]);
      expect(await cache().userVersion('u1')).toBe(1);
      expect(await cache().userVersion('u2')).toBe(1);
      await cache().bumpUsers(['u2']);
      expect(await cache().userVersion('u2')).toBe(2);
      expect(await cache().userVersion('u3')).toBe(0);
    });

    it('recent history is newest first by timestamp, for several users in one push', async () => {
      await cache().pushRecent([push('a', 'i2', 20), push('b', 'j1', 5), push('a', 'i1', 10), push('a', 'i3', 30, 'like')], 10);
      expect(await cache().recent('a', 10)).toEqual([
        { item: 'i3', type: 'like', timestamp: 30 },
        { item: 'i2', type: 'view', timestamp: 20 },
        { item: 'i1', type: 'view', timestamp: 10 },
      ]);
      expect(await cache().recent('a', 2)).toEqual([
        { item: 'i3', type: 'like', timestamp: 30 },
        { item: 'i2', type: 'view', timestamp: 20 },
      ]);
      expect(await cache().recent('b', 10)).toEqual([{ item: 'j1', type: 'view', timestamp: 5 }]);
      expect(await cache().recent('nobody', 10)).toEqual([]);
    });

    it('a history keeps its cap newest entries, across pushes; a late old entry does not displace newer ones', async () => {
      await cache().pushRecent([1, 2, 3, 4, 5].map((t) => push('u', `i${t}`, t * 100)), 3);
      expect((await cache().recent('u', 10)).map((e) => e.item)).toEqual(['i5', 'i4', 'i3']);
      await cache().pushRecent([push('u', 'i6', 600), push('u', 'late', 50)], 3);
      expect((await cache().recent('u', 10)).map((e) => e.item)).toEqual(['i6', 'i5', 'i4']);
    });

    it('pushing the same entry again keeps one copy; the same item at another time is another entry', async () => {
      await cache().pushRecent([push('u', 'i', 100), push('u', 'i', 100)], 10);
      await cache().pushRecent([push('u', 'i', 100), push('u', 'i', 200), push('u', 'i', 100, 'click')], 10);
      const history = await cache().recent('u', 10);
      expect(history.length).toBe(3);
      expect(history[0]).toEqual({ item: 'i', type: 'view', timestamp: 200 });
      expect(history.slice(1).map((e) => e.type).sort()).toEqual(['click', 'view']);
    });

    it('feedback events can be pushed as they are; only item, type and timestamp are kept', async () => {
      const event = makeEvent('e1', 'u', 'ü\u{1f600}"item', { type: 'purchase', timestamp: 1_700_000_000_123, value: 9.5 });
      await cache().pushRecent([event], 5);
      expect(await cache().recent('u', 5)).toEqual([{ item: 'ü\u{1f600}"item', type: 'purchase', timestamp: 1_700_000_000_123 }]);
    });

    it('entries with equal timestamps come in the same order however they were pushed', async () => {
      const entries = ['b', 'a', 'c', '\u{1f600}', '\uff5e'].map((item) => push('u', item, 7));
      await cache().pushRecent(entries, 10);
      await cache().pushRecent([...entries].reverse().map((e) => ({ ...e, user: 'v' })), 10);
      const order = (await cache().recent('u', 10)).map((e) => e.item);
      expect(order.sort(byCodePoint)).toEqual(['a', 'b', 'c', '\uff5e', '\u{1f600}']);
      expect((await cache().recent('v', 10)).map((e) => e.item)).toEqual((await cache().recent('u', 10)).map((e) => e.item));
    });

    it('counters add up across calls; top is by count, ties by key in code point order', async () => {
      await cache().incrementCounters('views', { a: 2, b: 1, z: 3 });
      await cache().incrementCounters('views', new Map([['b', 2], ['\u{1f600}', 3], ['\uff5e', 3], ['__proto__', 1], ['gone', 0]]));
      await cache().incrementCounters('views', { z: -1.5 });
      expect(await cache().topCounters('views', 10)).toEqual([
        { key: 'b', count: 3 },
        { key: '\uff5e', count: 3 },
        { key: '\u{1f600}', count: 3 },
        { key: 'a', count: 2 },
        { key: 'z', count: 1.5 },
        { key: '__proto__', count: 1 },
      ]);
      expect((await cache().topCounters('views', 2)).map((c) => c.key)).toEqual(['b', '\uff5e']);
      expect(await cache().topCounters('other', 10)).toEqual([]);
    });

    it('a counter set given a ttl expires as a whole; increments without one keep that expiry', async () => {
      await cache().incrementCounters('hourly', { a: 1 }, 150);
      await cache().incrementCounters('hourly', { b: 1 });
      await cache().incrementCounters('forever', { a: 1 });
      expect((await cache().topCounters('hourly', 10)).length).toBe(2);
      await sleep(300);
      expect(await cache().topCounters('hourly', 10)).toEqual([]);
      expect(await cache().topCounters('forever', 10)).toEqual([{ key: 'a', count: 1 }]);
      await cache().incrementCounters('hourly', { c: 2 });
      expect(await cache().topCounters('hourly', 10)).toEqual([{ key: 'c', count: 2 }]);
    });

    it('the kinds of state do not collide, whatever the names', async () => {
      await cache().set('u', bytes(1), 60_000);
      await cache().pushRecent([push('u', 'i', 1)], 5);
      await cache().bumpUsers(['u']);
      await cache().incrementCounters('u', { u: 1 });
      expect(Array.from((await cache().get('u')) ?? [])).toEqual([1]);
      expect((await cache().recent('u', 5)).length).toBe(1);
      expect(await cache().userVersion('u')).toBe(1);
      expect(await cache().topCounters('u', 5)).toEqual([{ key: 'u', count: 1 }]);
    });

    it('refuses bad ttls, caps, sizes, deltas and timestamps with VALIDATION_FAILED, writing nothing', async () => {
      for (const ttl of [0, -1, 1.5, Number.NaN]) await expectMagpieError(cache().set('k', bytes(1), ttl), 'VALIDATION_FAILED');
      expect(await cache().get('k')).toBeNull();
      await expectMagpieError(cache().pushRecent([push('u', 'i', 1)], 0), 'VALIDATION_FAILED');
      await expectMagpieError(cache().pushRecent([push('u', 'i', 1), push('u', 'j', Number.NaN)], 5), 'VALIDATION_FAILED');
      expect(await cache().recent('u', 5)).toEqual([]);
      await expectMagpieError(cache().recent('u', 0), 'VALIDATION_FAILED');
      await expectMagpieError(cache().incrementCounters('c', { a: 1, b: Number.POSITIVE_INFINITY }), 'VALIDATION_FAILED');
      await expectMagpieError(cache().incrementCounters('c', { a: 1 }, 0), 'VALIDATION_FAILED');
      expect(await cache().topCounters('c', 5)).toEqual([]);
      await expectMagpieError(cache().topCounters('c', 0), 'VALIDATION_FAILED');
    });

    it('close is idempotent, and a closed store refuses work with STORAGE_FAILED', async () => {
      await cache().close();
      await cache().close();
      await expectMagpieError(cache().get('k'), 'STORAGE_FAILED');
      await expectMagpieError(cache().bumpUsers(['u']), 'STORAGE_FAILED');
    });
  });
}
