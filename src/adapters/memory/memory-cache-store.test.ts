import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.js';
import { describeCacheStoreContract } from '../../ports/testing/index.js';
import { MemoryCacheStore } from './index.js';

describeCacheStoreContract('memory', async () => {
  const store = new MemoryCacheStore();
  return { store, close: () => store.close() };
});

describe('MemoryCacheStore', () => {
  it('keeps at most maxEntries results, dropping the least recently used', async () => {
    const store = new MemoryCacheStore({ maxEntries: 2 });
    await store.set('a', Uint8Array.of(1), 60_000);
    await store.set('b', Uint8Array.of(2), 60_000);
    await store.get('a'); // now b is the least recently used
    await store.set('c', Uint8Array.of(3), 60_000);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('a')).not.toBeNull();
    expect(await store.get('c')).not.toBeNull();
  });

  it('expires by the clock it is given', async () => {
    const clock = new ManualClock(1_000);
    const store = new MemoryCacheStore({ clock });
    await store.set('k', Uint8Array.of(1), 500);
    await store.incrementCounters('hour', { a: 1 }, 500);
    clock.advance(499);
    expect(await store.get('k')).not.toBeNull();
    expect(await store.topCounters('hour', 5)).toHaveLength(1);
    clock.advance(1);
    expect(await store.get('k')).toBeNull();
    expect(await store.topCounters('hour', 5)).toEqual([]);
  });
});
