import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEventLogContract } from '../../ports/testing/index.js';
import type { FeedbackEvent } from '../../core/index.js';
import type { LogRecord } from '../../ports/index.js';
import { dropNatsEventLog, openNatsEventLog } from './index.js';
import type { NatsEventLog } from './index.js';
import { AppendLock } from './append-lock.js';
import { PipelinedPublisher } from './pipelined-publisher.js';
import { natsSkipReason } from './testing/nats-server.js';

const url = process.env.MAGPIE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const skipReason = await natsSkipReason(url);

function freshStreamName(): string {
  return `magpie-test-${randomBytes(6).toString('hex')}`;
}

describeEventLogContract(
  'nats',
  async () => {
    const stream = freshStreamName();
    const log = await openNatsEventLog(url, { stream });
    return {
      store: log,
      close: async () => {
        await log.close();
        await dropNatsEventLog(url, { stream });
      },
    };
  },
  { skipReason },
);

function event(id: string): FeedbackEvent {
  return { id, user: `u-${id}`, item: 'i', type: 'view', value: null, timestamp: 1, context: null };
}

describe.skipIf(skipReason !== undefined)(`NatsEventLog with several writers${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const stream = freshStreamName();
  let logs: NatsEventLog[] = [];

  beforeAll(async () => {
    logs = [await openNatsEventLog(url, { stream }), await openNatsEventLog(url, { stream })];
  });
  afterAll(async () => {
    await Promise.all(logs.map((log) => log.close()));
    await dropNatsEventLog(url, { stream });
  });

  it('two logs on one stream appending at once get disjoint contiguous ranges; a reader sees each event once', async () => {
    // Each writer appends one batch after another (so the two keep contending for the stream),
    // plus a burst of batches at once (so each also queues behind itself).
    const batchOf = (w: number, b: number): FeedbackEvent[] =>
      Array.from({ length: 1 + ((w * 7 + b * 13) % 40) }, (_, i) => event(`w${w}-b${b}-${i}`));
    const writer = async (log: NatsEventLog, w: number) => {
      const done = [];
      for (let b = 0; b < 15; b++) {
        const batch = batchOf(w, b);
        done.push({ batch, range: await log.append(batch) });
      }
      const burst = Array.from({ length: 6 }, (_, k) => batchOf(w, 100 + k));
      const ranges = await Promise.all(burst.map((batch) => log.append(batch)));
      return [...done, ...burst.map((batch, k) => ({ batch, range: ranges[k] as { first: number; last: number } }))];
    };
    const written = (await Promise.all(logs.map((log, w) => writer(log, w)))).flat();

    const reader = logs[0] as NatsEventLog;
    const records: LogRecord[] = [];
    for (let after = 0; ; ) {
      const page = await reader.read(after, 50);
      if (page.length === 0) break;
      records.push(...page);
      after = (page[page.length - 1] as LogRecord).seq;
    }
    const total = written.reduce((n, w) => n + w.batch.length, 0);
    expect(records.length).toBe(total);
    expect(new Set(records.map((r) => r.event.id)).size).toBe(total);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const bySeq = new Map(records.map((r) => [r.seq, r.event.id]));
    for (const { batch, range } of written) {
      expect(range.last - range.first + 1).toBe(batch.length);
      const ids = Array.from({ length: batch.length }, (_, i) => bySeq.get(range.first + i));
      expect(ids).toEqual(batch.map((e) => e.id));
    }
    expect(await (logs[1] as NatsEventLog).head()).toBe(total);
  });

  it('offsets committed by one log are read by the other', async () => {
    await (logs[0] as NatsEventLog).commit('shared-consumer', 7);
    expect(await (logs[1] as NatsEventLog).committed('shared-consumer')).toBe(7);
    // Consumer names are free text: encoded into KV keys, not rejected.
    await (logs[1] as NatsEventLog).commit('apply: ünïcode/with.dots *', 3);
    expect(await (logs[0] as NatsEventLog).committed('apply: ünïcode/with.dots *')).toBe(3);
  });
});

describe('openNatsEventLog (needs no server)', () => {
  it('refuses a stream name JetStream could not use', async () => {
    await expect(openNatsEventLog(url, { stream: 'has.dots' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('fails UNAVAILABLE, quickly, when nothing listens at the address', async () => {
    const started = Date.now();
    await expect(openNatsEventLog('nats://127.0.0.1:1', { stream: 'x', timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe.skipIf(skipReason !== undefined)(`NatsEventLog append lock and fences${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const streams: string[] = [];
  const connections: NatsConnection[] = [];
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await Promise.all(streams.map((stream) => dropNatsEventLog(url, { stream })));
  });

  async function fresh(lockLeaseMs?: number): Promise<{ log: NatsEventLog; stream: string; nc: NatsConnection }> {
    const stream = freshStreamName();
    streams.push(stream);
    const log = await openNatsEventLog(url, lockLeaseMs === undefined ? { stream } : { stream, lockLeaseMs });
    const nc = await connect({ servers: url });
    connections.push(nc);
    return { log, stream, nc };
  }

  it('a lock left held by a writer that died is taken over once its lease has passed', async () => {
    const { log, stream, nc } = await fresh(400);
    const kv = await nc.jetstream().views.kv(`${stream}-state`);
    await kv.put('append-lock', 'held:a-writer-that-died');
    const started = Date.now();
    expect(await log.append([event('after-takeover')])).toEqual({ first: 1, last: 1 });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(waited).toBeLessThan(3_000);
    await log.close();
  });

  it('a run fenced to a stale position is refused whole; one at the head is stored contiguously', async () => {
    const { log, stream, nc } = await fresh();
    await log.append([event('a'), event('b'), event('c')]);
    const publisher = new PipelinedPublisher(nc, stream, `magpie.${stream}.events`, 5_000);
    const payload = (id: string): Uint8Array => new TextEncoder().encode(JSON.stringify(event(id)));
    // A writer that believes the log ends at 1 (another writer appended since).
    expect(await publisher.publish([payload('x'), payload('y')], 1)).toEqual({ kind: 'conflict' });
    expect(await log.head()).toBe(3);
    expect(await publisher.publish([payload('x'), payload('y')], 3)).toEqual({ kind: 'stored' });
    expect((await log.read(0, 10)).map((r) => [r.seq, r.event.id])).toEqual([
      [1, 'a'], [2, 'b'], [3, 'c'], [4, 'x'], [5, 'y'],
    ]);
    publisher.close();
    await log.close();
  });
  it('sequential reads share one server-side consumer; concurrent reads are right too; close removes it', async () => {
    const { log, stream, nc } = await fresh();
    await log.append(Array.from({ length: 30 }, (_, i) => event(`r${i}`)));
    const jsm = await nc.jetstreamManager();
    const consumers = async (): Promise<number> => (await jsm.streams.info(stream)).state.consumer_count;
    const ids = (records: LogRecord[]): string[] => records.map((r) => r.event.id);

    const pages: string[] = [];
    for (let after = 0; after < 30; after += 5) pages.push(...ids(await log.read(after, 5)));
    expect(pages).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
    expect(await consumers()).toBe(1);

    const [a, b, c] = await Promise.all([log.read(10, 3), log.read(0, 2), log.read(27, 10)]);
    expect([ids(a ?? []), ids(b ?? []), ids(c ?? [])]).toEqual([['r10', 'r11', 'r12'], ['r0', 'r1'], ['r27', 'r28', 'r29']]);
    await log.close();
    for (let i = 0; i < 50 && (await consumers()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await consumers()).toBe(0);
  });
  it('a live holder keeps the lock past its lease by renewing; a waiter gets it once released', async () => {
    const { log, stream, nc } = await fresh();
    const kv = await nc.jetstream().views.kv(`${stream}-state`);
    const holder = new AppendLock(kv, 'test-lock', 300, 600);
    const waiter = new AppendLock(kv, 'test-lock', 300, 600);
    await holder.acquire();
    await new Promise((r) => setTimeout(r, 500)); // past the lease: only renewals keep it
    await expect(waiter.acquire()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(holder.held).toBe(true);
    await holder.release();
    await waiter.acquire();
    expect(waiter.held).toBe(true);
    await waiter.release();
    await log.close();
  });

});
