import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { dropNatsEventLog } from '../src/adapters/nats/index.js';
import { natsSkipReason } from '../src/adapters/nats/testing/nats-server.js';

const NATS_URL = process.env['MAGPIE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const skip = await natsSkipReason(NATS_URL);
const stream = `magpie_engine_${process.pid}_${Date.now()}`;
const dir = mkdtempSync(join(tmpdir(), 'magpie-nats-engine-'));
const engines: Engine[] = [];

afterAll(async () => {
  for (const e of engines) await e.close();
  if (!skip) await dropNatsEventLog(NATS_URL, { stream });
  rmSync(dir, { recursive: true, force: true });
});

const engineOn = async (): Promise<Engine> => {
  const e = await createEngine({
    storage: { url: `sqlite:${join(dir, 'magpie.db')}`, eventLog: NATS_URL, eventLogStream: stream },
    server: { logLevel: 'silent' },
    training: { inWorker: false, intervalMinutes: 0 },
  });
  engines.push(e);
  return e;
};

describe.skipIf(skip !== undefined)(`storage.eventLog nats:// (JetStream)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('appends acknowledged events to the stream, applies them to the store, and a second process sees them', async () => {
    const a = await engineOn();
    const app = await a.server();
    const events = Array.from({ length: 30 }, (_, i) => ({ id: `n${i}`, user: `u${i % 3}`, item: `i${i % 7}`, type: 'click' }));
    const res = await app.inject({ method: 'POST', url: '/api/events', payload: events });
    expect(res.statusCode, res.body).toBe(200);
    expect(await a.stores.log.head()).toBe(30);
    expect((await a.stores.data.counts()).events).toBe(30);
    // Another engine on the same stream and file: nothing left to apply, nothing applied twice.
    const b = await engineOn();
    expect(await b.stores.log.head()).toBe(30);
    await b.applier.drain();
    expect((await b.stores.data.counts()).events).toBe(30);
    const history = await (await b.server()).inject({ method: 'GET', url: '/api/users/u0/events?limit=100' });
    expect(history.json().items).toHaveLength(10);
  });
});
