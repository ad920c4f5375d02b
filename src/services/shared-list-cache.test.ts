import { describe, expect, it } from 'vitest';
import { MagpieError } from '../core/index.js';
import { MemoryCacheStore } from '../adapters/memory/index.js';
import type { CacheStore } from '../ports/index.js';
import { CatalogSync } from './catalog-sync.js';
import type { CachedList } from './serving-cache.js';
import { SharedListCache } from './shared-list-cache.js';

/** A cache store whose backend can be switched off; counts the commands that reached it. */
function switchable(): { store: CacheStore; setDown(down: boolean): void; calls: () => number } {
  const inner = new MemoryCacheStore();
  let down = false;
  let calls = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      return async (...args: unknown[]) => {
        calls++;
        if (down) throw new MagpieError('UNAVAILABLE', 'down');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, setDown: (d) => (down = d), calls: () => calls };
}

function aList(id: string, requestId = 'r1'): CachedList {
  const items = [{ id, sourceScores: { collaborative: 0.5 }, source: 'collaborative', reason: 'because', score: 0.5, features: Float64Array.of(1, 2.5) }];
  const answer = items.map(({ id: i, score, source, reason }) => ({ id: i, score, source, reason }));
  return { items, requestId, answer, answerJson: JSON.stringify(answer) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SharedListCache', () => {
  it('serves a stored list to any process until the user is invalidated or the models change', async () => {
    const backend = new MemoryCacheStore();
    const a = new SharedListCache(backend);
    const b = new SharedListCache(backend);
    const first = await a.lookup('ann', 'home', 'm1');
    expect(first).toEqual({ list: undefined, version: 0 });
    a.store('ann', 'home', 'm1', aList('x'), 30, first.version);
    await settle();

    const hit = await b.lookup('ann', 'home', 'm1');
    expect(hit.list).toEqual(aList('x')); // features come back as a Float64Array
    expect(b.hits).toBe(1);
    expect((await b.lookup('ann', 'home', 'm2')).list).toBeUndefined(); // other models
    expect((await b.lookup('bob', 'home', 'm1')).list).toBeUndefined();

    await b.invalidate(['ann']);
    const after = await a.lookup('ann', 'home', 'm1');
    expect(after).toEqual({ list: undefined, version: 1 });
  });

  it('does not serve a list computed while the user was invalidated', async () => {
    const backend = new MemoryCacheStore();
    const cache = new SharedListCache(backend);
    const { version } = await cache.lookup('ann', 'home', 'm');
    await cache.invalidate(['ann']); // feedback arrives while the list is being computed
    cache.store('ann', 'home', 'm', aList('stale'), 30, version);
    await settle();
    expect((await cache.lookup('ann', 'home', 'm')).list).toBeUndefined();
  });

  it('while the backend is down: answers "not cached", sends nothing during the pause, and delivers missed invalidations before reading again', async () => {
    const { store, setDown, calls } = switchable();
    let now = 1_000;
    const states: boolean[] = [];
    const cache = new SharedListCache(store, { now: () => now, retryAfterMs: 1_000, onStateChange: (up) => states.push(up) });
    const v = await cache.lookup('ann', 'home', 'm');
    cache.store('ann', 'home', 'm', aList('x'), 30, v.version);
    await settle();

    setDown(true);
    expect(await cache.lookup('bob', 'home', 'm')).toEqual({ list: undefined, version: null });
    expect(cache.available).toBe(false);
    const sent = calls();
    await cache.invalidate(['ann']); // ann's feedback while down: remembered
    expect(await cache.lookup('ann', 'home', 'm')).toEqual({ list: undefined, version: null });
    expect(calls()).toBe(sent); // the retry pause: nothing reaches the backend

    setDown(false);
    now += 1_000;
    // ann's old list is still in the backend: it must not be served, the bump goes first.
    const back = await cache.lookup('ann', 'home', 'm');
    expect(back).toEqual({ list: undefined, version: 1 });
    expect(states).toEqual([false, true]);
    expect(await store.userVersion('ann')).toBe(1);
  });

  it('never rejects, whatever the backend does', async () => {
    const { store, setDown } = switchable();
    setDown(true);
    const cache = new SharedListCache(store, { retryAfterMs: 0 });
    await expect(cache.lookup('u', 'k', 'm')).resolves.toEqual({ list: undefined, version: null });
    await expect(cache.invalidate(['u'])).resolves.toBeUndefined();
    expect(() => cache.store('u', 'k', 'm', aList('x'), 30, 3)).not.toThrow();
    await settle();
    expect(cache.failures).toBeGreaterThanOrEqual(3);
  });
});

describe('CatalogSync', () => {
  it('reloads the catalogue of every other process once per change, and resends a change the cache missed', async () => {
    const { store, setDown } = switchable();
    let reloadsA = 0;
    let reloadsB = 0;
    const a = new CatalogSync(store, async () => void reloadsA++);
    const b = new CatalogSync(store, async () => void reloadsB++);
    await a.poll();
    await b.poll(); // start: no reload
    expect([reloadsA, reloadsB]).toEqual([0, 0]);

    await a.changed();
    await b.poll();
    await b.poll();
    expect(reloadsB).toBe(1);

    setDown(true);
    await a.changed(); // not delivered
    await expect(b.poll()).rejects.toThrow();
    setDown(false);
    await b.poll();
    expect(reloadsB).toBe(1);
    await a.poll(); // sends the missed change (and reloads a itself, which is harmless)
    await b.poll();
    expect(reloadsB).toBe(2);
  });
});
