import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MagpieError } from '../../core/index.js';
import type { FeedbackEvent } from '../../core/index.js';
import { SharedConnection, openDatabase } from './connection.js';
import { IMPRESSION_MIGRATIONS } from './impression-migrations.js';
import { impressionsFileOf } from './open-sqlite-stores.js';
import { MIGRATIONS, SCHEMA_VERSION, openSqliteStores } from './index.js';
import { SqliteDataStore } from './sqlite-data-store.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-sqlite-'));
  file = join(dir, 'magpie.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function event(i: number, user = 'u1'): FeedbackEvent {
  return { id: `e${i}`, user, item: `i${i % 4}`, type: 'view', value: null, timestamp: i, context: null };
}

async function rejection(work: Promise<unknown>): Promise<MagpieError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MagpieError);
  return err as MagpieError;
}

describe('sqlite connection settings', () => {
  it('uses WAL, synchronous FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('migration steps are numbered 1, 2, 3… with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });
});

describe('the impressions file', () => {
  const shown = { requestId: 'r1', user: 'u1', surface: 'home', time: 1, items: [{ item: 'a', position: 0, source: 's', score: 1 }] };

  it('lives beside the main file, unsynced, and keeps what was logged across reopen', async () => {
    const stores = openSqliteStores(file);
    await stores.impressions.appendImpressions([shown]);
    await stores.close();
    expect(impressionsFileOf(file, false)).toBe(join(dir, 'magpie.impressions.db'));
    const main = new Database(file, { readonly: true });
    const side = new Database(join(dir, 'magpie.impressions.db'), { readonly: true });
    try {
      // Acknowledged data never shares a file with the unsynced log of what was shown.
      expect(main.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'impressions'").get()).toEqual({ n: 0 });
      expect(side.prepare('SELECT request_id FROM impressions').all()).toEqual([{ request_id: 'r1' }]);
    } finally {
      main.close();
      side.close();
    }
    const again = openSqliteStores(file);
    const db = openDatabase(join(dir, 'magpie.impressions.db'), { durable: false, migrations: IMPRESSION_MIGRATIONS });
    try {
      expect(db.pragma('synchronous', { simple: true })).toBe(0); // 0 = OFF
      expect((await again.impressions.ctr({ by: 'surface' }))[0]).toMatchObject({ key: 'home', impressions: 1 });
    } finally {
      db.close();
      await again.close();
    }
  });

  it('is an empty one in memory for a read-only opener of a file that never logged any', async () => {
    await openSqliteStores(file).close();
    rmSync(join(dir, 'magpie.impressions.db'));
    const ro = openSqliteStores(file, { readonly: true });
    try {
      expect(await ro.impressions.ctr({ by: 'surface' })).toEqual([]);
    } finally {
      await ro.close();
    }
  });
});

describe('sqlite file lifecycle', () => {
  it('keeps everything across close and reopen, and migrates only once', async () => {
    const first = openSqliteStores(file);
    await first.data.insertEvents([event(1), event(2)], { createMissing: true, now: 5 });
    await first.log.append([event(1)]);
    await first.log.commit('apply', 1);
    await first.models.save(
      {
        name: 'main',
        algorithm: 'ease',
        params: {},
        metrics: {},
        trainedAt: 1,
        trainingSeconds: 0,
        data: { users: 0, items: 0, interactions: 0, events: 0, from: null, to: null },
      },
      Uint8Array.of(1, 2),
    );
    await first.close();

    const again = openSqliteStores(file);
    expect(await again.data.counts()).toEqual({ users: 1, items: 2, events: 2 });
    expect(await again.log.head()).toBe(1);
    expect(await again.log.committed('apply')).toBe(1);
    expect(Array.from((await again.models.latest('main'))?.blob ?? [])).toEqual([1, 2]);
    await again.close();
  });

  it('refuses a file whose schema is newer than this code', async () => {
    await openSqliteStores(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteStores(file)).toThrow(/newer than this Magpie/);
    expect(() => openSqliteStores(file, { readonly: true })).toThrow(MagpieError);
  });

  it('read-only: reads work, writes fail with STORAGE_FAILED, nothing is migrated', async () => {
    const writer = openSqliteStores(file);
    await writer.data.insertEvents([event(1)], { createMissing: true, now: 5 });
    await writer.close();

    const reader = openSqliteStores(file, { readonly: true });
    expect(await reader.data.counts()).toEqual({ users: 1, items: 1, events: 1 });
    const err = await rejection(reader.log.append([event(2)]));
    expect(err.code).toBe('STORAGE_FAILED');
    expect(err.details).toMatchObject({ sqliteCode: expect.stringMatching(/^SQLITE_READONLY/) });
    expect(err.cause).toBeInstanceOf(Database.SqliteError);
    await reader.close();

    const blank = join(dir, 'blank.db');
    new Database(blank).close();
    expect(() => openSqliteStores(blank, { readonly: true })).toThrow(/open it read-write once/);
    expect(() => openSqliteStores(join(dir, 'absent.db'), { readonly: true })).toThrow(MagpieError);
  });

  it('a path that cannot be opened fails with STORAGE_FAILED', () => {
    try {
      openSqliteStores(join(dir, 'no-such-dir', 'x.db'));
      expect.unreachable('opening should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(MagpieError);
      expect((err as MagpieError).code).toBe('STORAGE_FAILED');
      expect((err as MagpieError).message).toMatch(/directory does not exist/);
      expect((err as MagpieError).cause).toBeInstanceOf(Error);
    }
  });

  it('stores close one by one; the connection closes with the last of them', async () => {
    const stores = openSqliteStores(file);
    await stores.data.close();
    expect(await stores.log.head()).toBe(0);
    await stores.log.close();
    expect(await stores.models.latestVersion('main')).toBe(0);
    await stores.models.close();
    await stores.close();
    // The file is free: another connection can take the write lock at once.
    const other = new Database(file, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE; COMMIT;');
    other.close();
  });
});

describe('sqlite driver errors become STORAGE_FAILED', () => {
  it('disk full: the batch rolls back and the cause is kept', async () => {
    const db = openDatabase(':memory:');
    const data = new SqliteDataStore(new SharedConnection(db).lease('data store'));
    await data.insertEvents([event(0)], { createMissing: true, now: 0 });
    // Cap the database near its current size: the next big batch cannot fit.
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 2}`);
    const big = Array.from({ length: 5_000 }, (_, i) => ({ ...event(i + 1), context: { pad: 'x'.repeat(200) } }));
    const err = await rejection(data.insertEvents(big, { createMissing: true, now: 0 }));
    expect(err.code).toBe('STORAGE_FAILED');
    expect(err.details).toMatchObject({ operation: 'data store.insertEvents', sqliteCode: 'SQLITE_FULL' });
    expect(err.cause).toBeInstanceOf(Database.SqliteError);
    expect(await data.counts()).toEqual({ users: 1, items: 1, events: 1 });
    await data.close();
  });

  it('a write lock held elsewhere past busy_timeout: SQLITE_BUSY as STORAGE_FAILED', async () => {
    await openSqliteStores(file).close();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    const stores = openSqliteStores(file, { busyTimeoutMs: 50 });
    try {
      const err = await rejection(stores.log.append([event(1)]));
      expect(err.code).toBe('STORAGE_FAILED');
      expect(err.details).toMatchObject({ sqliteCode: 'SQLITE_BUSY' });
      holder.exec('ROLLBACK');
      expect(await stores.log.append([event(1)])).toEqual({ first: 1, last: 1 });
    } finally {
      holder.close();
      await stores.close();
    }
  });

  it('two connections to one file share versions and seqs without collisions', async () => {
    const a = openSqliteStores(file);
    const b = openSqliteStores(file);
    const meta = {
      name: 'main',
      algorithm: 'ease',
      params: {},
      metrics: {},
      trainedAt: 1,
      trainingSeconds: 0,
      data: { users: 0, items: 0, interactions: 0, events: 0, from: null, to: null },
    };
    const versions = [];
    for (let i = 0; i < 3; i++) {
      versions.push((await a.models.save(meta, Uint8Array.of(i))).version);
      versions.push((await b.models.save(meta, Uint8Array.of(i))).version);
    }
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    const ranges = [await a.log.append([event(1), event(2)]), await b.log.append([event(3)])];
    expect(ranges).toEqual([
      { first: 1, last: 2 },
      { first: 3, last: 3 },
    ]);
    await a.close();
    await b.close();
  });
});
