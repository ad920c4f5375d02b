import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../../core/index.js';
import { expectMagpieError } from '../../ports/testing/fixtures.js';
import { freePort, SpawnedServer } from '../shared/testing/spawned-server.js';
import { openNatsEventLog } from './index.js';

const binary = process.env.MAGPIE_TEST_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const missing = SpawnedServer.available(binary) ? undefined : `no nats-server binary at ${binary}`;

function event(id: string): FeedbackEvent {
  return { id, user: 'u', item: 'i', type: 'view', value: null, timestamp: 1, context: null };
}

/** Retries work until it resolves or the deadline passes (then rethrows the last failure). */
async function eventually<T>(work: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe.skipIf(missing !== undefined)(`NatsEventLog when its NATS server dies${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('fails fast with UNAVAILABLE while the server is down, then recovers by itself on the same client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'magpie-nats-'));
    const port = await freePort();
    const server = new SpawnedServer(binary, (p) => ['-js', '-a', '127.0.0.1', '-p', String(p), '-sd', dir], port);
    await server.start();
    const log = await openNatsEventLog(`nats://127.0.0.1:${port}`, { stream: 'outage' });
    try {
      expect(await log.append([event('before')])).toEqual({ first: 1, last: 1 });
      await server.kill();

      const started = Date.now();
      await expectMagpieError(log.append([event('during')]), 'UNAVAILABLE');
      await expectMagpieError(log.read(0, 10), 'UNAVAILABLE');
      await expectMagpieError(log.head(), 'UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(1_500);

      await server.start();
      const range = await eventually(() => log.append([event('after')]), 5_000);
      // File storage kept the record acknowledged before the crash.
      expect((await log.read(0, 10)).map((r) => r.event.id)).toEqual(['before', 'after']);
      expect(range).toEqual({ first: 2, last: 2 });
    } finally {
      await log.close();
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
