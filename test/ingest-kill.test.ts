// Issue #5: kill -9 a real `magpie serve` in the middle of a 100,000-event HTTP ingest, restart
// it on the same store, and check the promise of POST /api/events: every acknowledged event is
// stored exactly once, nothing that was never sent is stored, and an event of a batch whose
// answer was lost is stored at most once — also after the client retries that batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_TEST_URL, dropSchema, postgresSkipReason, randomSchema } from '../src/adapters/postgres/testing/pg-test-env.js';
import { startServe, stopServe, type ServeProcess } from './helpers/serve-process.js';

const TOTAL_EVENTS = 100_000;
const BATCH = 2_500;
const CLIENTS = 4;
/** The kill comes once this many batches are acknowledged (of 40), with the others' in flight. */
const KILL_AFTER_BATCHES = 16;
const TEST_TIMEOUT_MS = 240_000;

interface Backend {
  url: string;
  /** The ids in the store's events table, read with the driver (not through Magpie). */
  storedIds(): Promise<string[]>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'magpie-ingest-kill-'));
  const file = join(dir, 'magpie.db');
  return {
    url: `sqlite:${file}`,
    async storedIds() {
      // A second connection: WAL lets it read beside the running server.
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare<[], string>('SELECT id FROM events').pluck().all();
      } finally {
        db.close();
      }
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const schema = randomSchema('magpie_ingest_kill');
  return {
    url: `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    async storedIds() {
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      try {
        return (await client.query<{ id: string }>(`SELECT id FROM "${schema}".events`)).rows.map((r) => r.id);
      } finally {
        await client.end();
      }
    },
    cleanup: () => dropSchema(schema),
  };
}

/** Batch b of the ingest: fresh ids, 1,000 users × 5,000 items (created on first sight). */
function batchOf(b: number): { id: string; user: string; item: string; type: string; timestamp: number }[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const k = b * BATCH + i;
    return { id: `b${b}-e${i}`, user: `u${(k * 7_919) % 1_000}`, item: `i${(k * 104_729) % 5_000}`, type: k % 3 ? 'view' : 'like', timestamp: 1_750_000_000_000 + k };
  });
}

type Outcome = 'acknowledged' | 'failed';

/**
 * POSTs batch b. 'failed' when the connection breaks (reset, refused, an answer cut off): the
 * batch's fate is then unknown to the client. Any other answer than 200 fails the test.
 * onWritten runs once the whole body has been handed to the socket.
 */
function postBatch(agent: Agent, url: string, b: number, onWritten?: () => void): Promise<Outcome> {
  const body = JSON.stringify(batchOf(b));
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/events`, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => resolve('failed'));
      res.on('close', () => {
        if (!res.complete) resolve('failed');
        else if (res.statusCode !== 200) reject(new Error(`POST /api/events answered ${res.statusCode}: ${text}`));
        else if ((JSON.parse(text) as { accepted: number }).accepted !== BATCH) reject(new Error(`accepted is not ${BATCH}: ${text}`));
        else resolve('acknowledged');
      });
    });
    req.on('error', () => resolve('failed'));
    req.on('finish', () => onWritten?.());
    // A server that stops answering is a failure of its own, not a lost connection.
    req.setTimeout(90_000, () => reject(new Error(`no answer to batch ${b} within 90 s`)));
    req.end(body);
  });
}

/**
 * Several clients send the batches in order. Once KILL_AFTER_BATCHES are acknowledged, the next
 * batch written in full to the socket triggers SIGKILL at once: that batch is then surely in
 * flight (being read, parsed or appended), and the other clients' usually are too. Batches not
 * started by then are never sent.
 */
async function ingestUntilKilled(server: ServeProcess): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  let killed = false;
  let acknowledged = 0;
  const killIfTime = (): void => {
    if (killed || acknowledged < KILL_AFTER_BATCHES) return;
    killed = true;
    server.child.kill('SIGKILL');
  };
  const client = async (): Promise<void> => {
    while (!killed && next < TOTAL_EVENTS / BATCH) {
      const b = next++;
      const outcome = await postBatch(agent, server.url, b, killIfTime);
      outcomes.set(b, outcome);
      if (outcome === 'acknowledged') acknowledged++;
    }
  };
  try {
    await Promise.all(Array.from({ length: CLIENTS }, client));
  } finally {
    agent.destroy();
  }
  expect(await server.exited).toBe('SIGKILL');
  return outcomes;
}

async function waitForApplied(url: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const status = (await (await fetch(`${url}/api/status`)).json()) as { logLag: number };
    if (status.logLag === 0) return;
    if (Date.now() > deadline) throw new Error(`the log was still ${status.logLag} events ahead of the store`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** Sends the batches from several clients; every one must be acknowledged. */
async function sendAll(url: string, batches: number[]): Promise<void> {
  const agent = new Agent({ keepAlive: true });
  const queue = [...batches];
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let b = queue.shift(); b !== undefined; b = queue.shift()) expect(await postBatch(agent, url, b)).toBe('acknowledged');
      }),
    );
  } finally {
    agent.destroy();
  }
}

const idsOf = (batches: Iterable<number>): string[] => [...batches].flatMap((b) => batchOf(b).map((e) => e.id));

function expectEach(ids: readonly string[], test: (id: string) => boolean, what: string): void {
  const offenders = ids.filter((id) => !test(id));
  expect(offenders.slice(0, 5), `${offenders.length} ${what}`).toEqual([]);
}

async function killAndRecover(backend: Backend): Promise<void> {
  const first = await startServe(backend.url);
  const outcomes = await ingestUntilKilled(first).finally(() => first.child.kill('SIGKILL'));
  const acknowledged = [...outcomes].filter(([, o]) => o === 'acknowledged').map(([b]) => b);
  const failed = [...outcomes].filter(([, o]) => o === 'failed').map(([b]) => b);
  // The scenario really happened: some batches acknowledged, some cut off in flight, some never sent.
  expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_BATCHES);
  expect(failed.length).toBeGreaterThan(0);
  expect(outcomes.size).toBeLessThan(TOTAL_EVENTS / BATCH);

  const second = await startServe(backend.url);
  try {
    await waitForApplied(second.url);
    const stored = await backend.storedIds();
    const storedSet = new Set(stored);
    expect(stored.length, 'no id is stored twice').toBe(storedSet.size);
    expectEach(idsOf(acknowledged), (id) => storedSet.has(id), 'acknowledged events missing after the restart');
    const sent = new Set(idsOf(outcomes.keys()));
    expectEach(stored, (id) => sent.has(id), 'stored events that were never sent');
    // A batch whose answer was lost is all there or not at all: the log appends it in one transaction.
    for (const b of failed) expect([0, BATCH]).toContain(idsOf([b]).filter((id) => storedSet.has(id)).length);

    // The client carries on: it retries the batches whose answers it never got and sends the
    // rest. In the end each of the 100,000 events is stored once.
    await sendAll(second.url, [...failed, ...range(outcomes.size, TOTAL_EVENTS / BATCH)]);
    await waitForApplied(second.url);
    const final = await backend.storedIds();
    expect(final.length).toBe(TOTAL_EVENTS);
    const all = new Set(idsOf(range(0, TOTAL_EVENTS / BATCH)));
    expectEach(final, (id) => all.has(id), 'stored events that were never sent (after the retry)');
    expect(new Set(final).size).toBe(TOTAL_EVENTS);
    const status = (await (await fetch(`${second.url}/api/status`)).json()) as { counts: { events: number } };
    expect(status.counts.events).toBe(TOTAL_EVENTS);
  } finally {
    await stopServe(second);
  }
}

const pgSkip = await postgresSkipReason();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('kill -9 during a 100,000-event HTTP ingest (a real magpie serve process)', () => {
  it('embedded SQLite: every acknowledged event is stored exactly once after the restart', { timeout: TEST_TIMEOUT_MS }, async () => {
    const backend = sqliteBackend();
    cleanups.push(() => backend.cleanup());
    await killAndRecover(backend);
  });

  it.skipIf(pgSkip !== undefined)(
    `Postgres: every acknowledged event is stored exactly once after the restart${pgSkip ? ` (skipped: ${pgSkip})` : ''}`,
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const backend = postgresBackend();
      cleanups.push(() => backend.cleanup());
      await killAndRecover(backend);
    },
  );
});
