import { describe, expect, it } from 'vitest';
import type { MagpieError } from '../../core/index.js';
import { expectMagpieError } from '../../ports/testing/fixtures.js';
import { freePort, SpawnedServer } from '../shared/testing/spawned-server.js';
import { openRedisCacheStore } from './index.js';

const binary = process.env.MAGPIE_TEST_REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const missing = SpawnedServer.available(binary) ? undefined : `no redis-server binary at ${binary}`;

/** Retries work until it resolves or the deadline passes (then rethrows the last failure). */
async function eventually<T>(work: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Runs work that must reject UNAVAILABLE, and returns how long it took to do so. */
async function timeToUnavailable(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  const err: MagpieError = await expectMagpieError(work(), 'UNAVAILABLE');
  expect(err.message).toMatch(/Redis is unavailable/);
  return Date.now() - started;
}

describe.skipIf(missing !== undefined)(`RedisCacheStore when its Redis server dies${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('fails fast with UNAVAILABLE while Redis is down, then works again on the same client', async () => {
    const port = await freePort();
    const server = new SpawnedServer(
      binary,
      (p) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      port,
    );
    await server.start();
    const store = await openRedisCacheStore(`redis://127.0.0.1:${port}`, { keyPrefix: 'outage:' });
    try {
      await store.set('k', Uint8Array.of(1), 60_000);
      await store.bumpUsers(['u']);
      expect(Array.from((await store.get('k')) ?? [])).toEqual([1]);

      // A server that hangs with its connection open: the command timeout answers instead.
      server.freeze(true);
      const hung = await timeToUnavailable(() => store.get('k'));
      server.freeze(false);
      expect(hung).toBeLessThan(1_500);
      await eventually(() => store.get('k'), 3_000);

      await server.kill();
      // Right after the crash, and again once the client knows: neither may hang.
      const waits = [
        await timeToUnavailable(() => store.get('k')),
        await timeToUnavailable(() => store.set('k', Uint8Array.of(2), 60_000)),
        await timeToUnavailable(() => store.pushRecent([{ user: 'u', item: 'i', type: 'view', timestamp: 1 }], 5)),
        await timeToUnavailable(() => store.topCounters('c', 5)),
      ];
      await new Promise((resolve) => setTimeout(resolve, 300));
      waits.push(await timeToUnavailable(() => store.userVersion('u')));
      for (const ms of waits) expect(ms).toBeLessThan(1_200);

      await server.start();
      // A fresh server (no persistence): the client reconnects by itself and works again.
      await eventually(() => store.set('k', Uint8Array.of(3), 60_000), 5_000);
      expect(Array.from((await store.get('k')) ?? [])).toEqual([3]);
      await store.bumpUsers(['u']);
      expect(await store.userVersion('u')).toBe(1);
    } finally {
      await store.close();
      await server.kill();
    }
  });
});
