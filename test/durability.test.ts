import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const CHILD = join(import.meta.dirname, 'helpers', 'crash-child.ts');

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-durability-'));
  db = join(dir, 'magpie.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child to its death; resolves with its stdout and the signal that ended it. */
function runChild(mode: string, onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const line of d.toString().split('\n').filter(Boolean)) onLine?.(line, child);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<{ out: string; err: string; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (_code, signal) => resolve({ out, err, signal })),
  );
}

async function reopen() {
  return createEngine({ storage: { url: `sqlite:${db}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0 } });
}

describe('the event log keeps acknowledged events through a crash', () => {
  it('killed between append and apply: after restart every acknowledged event is stored once', async () => {
    const { out, signal, err } = await runChild('after-append');
    expect(signal, err).toBe('SIGKILL');
    const [, first, last] = /ACK (\d+) (\d+)/.exec(out)!.map(Number);
    expect(last! - first! + 1).toBe(1000);

    const engine = await reopen(); // start-up applies what the log holds beyond the offset
    try {
      expect((await engine.status()).counts.events).toBe(1000);
      expect(await engine.applier.lag()).toBe(0);
      // Applying again, or a client retrying the batch with ids, adds nothing.
      await engine.applier.drain();
      expect((await engine.status()).counts.events).toBe(1000);
      const ids = (await engine.recommend.history('u0', 1000)).map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await engine.close();
    }
  });

  it('killed between apply and offset commit: the batch is re-applied once, not twice', async () => {
    const { signal, err } = await runChild('before-commit');
    expect(signal, err).toBe('SIGKILL');
    const engine = await reopen();
    try {
      expect((await engine.status()).counts.events).toBe(1000);
      expect(await engine.stores.log.committed('store')).toBe(await engine.stores.log.head());
    } finally {
      await engine.close();
    }
  });

  it('kill -9 during HTTP ingest: every batch answered 200 is stored exactly once', async () => {
    const acked: string[][] = [];
    let port = 0;
    const batches = 40;
    const result = runChild('serve', (line, child) => {
      const m = /PORT (\d+)/.exec(line);
      if (!m) return;
      port = Number(m[1]);
      const send = async (lane: number): Promise<void> => {
        for (let b = 0; b < batches; b++) {
          const payload = Array.from({ length: 500 }, (_, i) => ({
            id: `h${lane}-${b}-${i}`,
            user: `u${i % 50}`,
            item: `i${(b * 7 + i) % 400}`,
            type: 'click',
          }));
          try {
            const res = await fetch(`http://127.0.0.1:${port}/api/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
            });
            if (res.status === 200) acked.push(payload.map((e) => e.id));
          } catch {
            return; // the server is gone
          }
          // Two lanes send at once, so the kill lands while the other lane's batch is in flight.
          if (acked.length === batches / 2) child.kill('SIGKILL');
        }
      };
      void Promise.all([send(0), send(1)]);
    });
    const { signal } = await result;
    expect(signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 200)); // let the client loop notice
    expect(acked.length).toBeGreaterThan(0);

    const engine = await reopen();
    try {
      const stored = new Set<string>();
      for await (const batch of engine.stores.data.scanEvents(5000)) for (const e of batch) stored.add(e.id);
      for (const ids of acked) for (const id of ids) expect(stored.has(id)).toBe(true);
      expect((await engine.status()).counts.events).toBe(stored.size);
    } finally {
      await engine.close();
    }
  });
});
