import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../ports/index.js';
import { openSqliteStores } from './index.js';
import { durabilityEvent } from './testing/durability-events.js';

const CHILD = fileURLToPath(new URL('./testing/append-until-killed.ts', import.meta.url));
const BATCH_SIZE = 50;

interface Ack {
  last: number;
  lastId: string;
}

/**
 * Runs the child until it has acknowledged `killAfterAcks` appends, then SIGKILLs it (no chance
 * to close, flush or checkpoint) and returns every acknowledgement it printed.
 */
function appendUntilKilled(path: string, killAfterAcks: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(BATCH_SIZE), '60000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let acks = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      acks += chunk.split('\n').length - 1;
      if (acks >= killAfterAcks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`child ended with code ${code} / signal ${signal} before being killed:\n${stderr}`));
        return;
      }
      // Only complete lines count: a line cut off by the kill was never fully acknowledged.
      const lines = stdout.split('\n').slice(0, -1);
      resolve(
        lines.map((line) => {
          const [last, lastId] = line.split(' ');
          return { last: Number(last), lastId: lastId ?? '' };
        }),
      );
    });
  });
}

async function readWholeLog(path: string): Promise<LogRecord[]> {
  const stores = openSqliteStores(path);
  try {
    const records: LogRecord[] = [];
    for (;;) {
      const page = await stores.log.read(records[records.length - 1]?.seq ?? 0, 5_000);
      if (page.length === 0) return records;
      records.push(...page);
    }
  } finally {
    await stores.close();
  }
}

describe('sqlite EventLog durability under kill -9', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'magpie-durability-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged append survives SIGKILL exactly once, in order, round after round', async () => {
    const path = join(dir, 'log.db');
    let acknowledgedUpTo = 0;
    for (const killAfterAcks of [40, 90, 25]) {
      const acks = await appendUntilKilled(path, killAfterAcks);
      expect(acks.length).toBeGreaterThanOrEqual(killAfterAcks);

      const records = await readWholeLog(path);
      // One writer, so the log is dense: record k holds event k, seq k + 1, no gaps, no repeats.
      records.forEach((record, k) => {
        expect(record.seq).toBe(k + 1);
        expect(record.event).toEqual(durabilityEvent(k));
      });
      for (const ack of acks) {
        expect(ack.last).toBeGreaterThan(acknowledgedUpTo);
        expect(records[ack.last - 1]?.event.id).toBe(ack.lastId);
        acknowledgedUpTo = ack.last;
      }
      // Appends in flight at the kill may or may not have landed, but whole batches only.
      expect(records.length).toBeGreaterThanOrEqual(acknowledgedUpTo);
      expect(records.length % BATCH_SIZE).toBe(0);
    }

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
