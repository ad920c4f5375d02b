import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent, MagpieError } from '../../core/index.js';
import type { LogRecord } from '../../ports/index.js';
import { expectMagpieError } from '../../ports/testing/fixtures.js';
import { advisoryKey } from './connection.js';
import { migratePostgres, openPostgresStores, parsePostgresUrl, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION, translatePgError } from './index.js';
import { PG_TEST_URL, adminQuery, dropSchema, openTestStores, postgresSkipReason, randomSchema } from './testing/pg-test-env.js';

const skipReason = await postgresSkipReason();
const withServer = skipReason === undefined ? describe : describe.skip;
const title = (name: string): string => (skipReason === undefined ? name : `${name} (skipped: ${skipReason})`);

const schemas: string[] = [];
/** Every step's version, in order: 1, 2, 3… */
const ALL_VERSIONS = POSTGRES_MIGRATIONS.map((m) => m.version);
afterAll(async () => {
  if (skipReason === undefined) await Promise.all(schemas.map(dropSchema));
});

function urlWithSchema(schema: string): string {
  return `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

function event(id: string, user = 'u', item = 'i'): FeedbackEvent {
  return { id, user, item, type: 'view', value: null, timestamp: 1_700_000_000_000, context: null };
}

withServer(title('postgres migrations'), () => {
  it('apply every version once, record them, and apply nothing the second time', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const first = await migratePostgres(urlWithSchema(schema));
    expect(first.applied).toEqual(ALL_VERSIONS);
    expect(first.current).toBe(POSTGRES_SCHEMA_VERSION);
    const second = await migratePostgres(urlWithSchema(schema));
    expect(second).toEqual({ applied: [], current: POSTGRES_SCHEMA_VERSION });
    const rows = await adminQuery(`SELECT version, name, applied_at FROM "${schema}".magpie_migrations ORDER BY version`);
    expect(rows.rows.map((r: { version: number }) => r.version)).toEqual(ALL_VERSIONS);
    for (const r of rows.rows as { name: string; applied_at: Date }[]) {
      expect(r.name.length).toBeGreaterThan(5);
      expect(r.applied_at).toBeInstanceOf(Date);
    }
  });

  it('two processes migrating one new schema at once both succeed, and each step is applied once', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const results = await Promise.all([migratePostgres(urlWithSchema(schema)), migratePostgres(urlWithSchema(schema))]);
    expect(results.map((r) => r.current)).toEqual([POSTGRES_SCHEMA_VERSION, POSTGRES_SCHEMA_VERSION]);
    expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(ALL_VERSIONS);
    // Opening stores on the migrated schema migrates nothing more and works.
    const stores = await openPostgresStores(urlWithSchema(schema));
    try {
      expect(await stores.log.head()).toBe(0);
    } finally {
      await stores.close();
    }
  });

  it('refuses a schema written by a newer Magpie', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    await migratePostgres(urlWithSchema(schema));
    await adminQuery(`INSERT INTO "${schema}".magpie_migrations (version, name) VALUES (999, 'from the future')`);
    const err = await expectMagpieError(openPostgresStores(urlWithSchema(schema)), 'STORAGE_FAILED');
    expect(err.message).toMatch(/newer than this Magpie understands/);
  });
});

withServer(title('postgres event log under concurrent appenders'), () => {
  it('appends from two pools get contiguous, gap-free ranges, and a reader never sees a hole', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const a = await openPostgresStores(urlWithSchema(schema), { poolSize: 4 });
    const b = await openPostgresStores(urlWithSchema(schema), { poolSize: 4 });
    try {
      let writing = true;
      // The reader follows the log as a consumer would; every page must continue exactly where
      // the last one ended. A record committed later with a lower seq would show up as a jump.
      const reader = (async () => {
        const seen: LogRecord[] = [];
        let after = 0;
        while (writing || after < (await a.log.head())) {
          const page = await a.log.read(after, 500);
          page.forEach((r, k) => expect(r.seq, `read after ${after}`).toBe(after + k + 1));
          seen.push(...page);
          after = page[page.length - 1]?.seq ?? after;
        }
        return seen;
      })();
      const writers = [a, b, a, b, a, b].map(async (stores, w) => {
        const ranges: { first: number; last: number; ids: string[] }[] = [];
        for (let n = 0; n < 15; n++) {
          const size = 1 + ((w * 7 + n * 3) % 9);
          const ids = Array.from({ length: size }, (_, k) => `w${w}-b${n}-${k}`);
          ranges.push({ ...(await stores.log.append(ids.map((id) => event(id)))), ids });
        }
        return ranges;
      });
      const ranges = (await Promise.all(writers)).flat();
      writing = false;
      const seen = await reader;

      const total = ranges.reduce((sum, r) => sum + r.ids.length, 0);
      expect(await b.log.head()).toBe(total);
      expect(seen.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
      const bySeq = new Map(seen.map((r) => [r.seq, r.event.id]));
      for (const r of ranges) {
        expect(r.last - r.first + 1).toBe(r.ids.length);
        expect(Array.from({ length: r.ids.length }, (_, k) => bySeq.get(r.first + k))).toEqual(r.ids);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

withServer(title('postgres data store specifics'), () => {
  it('concurrent createMissing batches naming the same new users and items in opposite orders all succeed', async () => {
    const t = await openTestStores();
    try {
      const users = Array.from({ length: 50 }, (_, k) => `user-${k}`);
      const batches = Array.from({ length: 6 }, (_, b) => {
        const order = b % 2 === 0 ? users : [...users].reverse();
        return order.map((u, k) => event(`e-${b}-${k}`, u, `item-${k % 10}`));
      });
      const results = await Promise.all(batches.map((batch) => t.stores.data.insertEvents(batch, { createMissing: true, now: 1 })));
      expect(results.map((r) => r.inserted)).toEqual([50, 50, 50, 50, 50, 50]);
      expect(await t.stores.data.counts()).toEqual({ users: 50, items: 10, events: 300 });
    } finally {
      await t.close();
    }
  });

  it('a delete racing with an insert naming the same user and item leaves no event without its user or item', async () => {
    const t = await openTestStores({ poolSize: 4 });
    try {
      const data = t.stores.data;
      for (let round = 0; round < 6; round++) {
        await data.upsertUsers([{ id: 'doomed', attributes: {}, createdAt: 1 }]);
        await data.upsertItems([{ id: 'gone', kind: 'x', title: 'x', text: '', categories: [], tags: [], numeric: {}, embedding: null, createdAt: 1, hidden: false }]);
        // A batch big enough to keep its statement running for a while, and deletes that start
        // while it runs: they must wait for it (and delete its events) or make it fail.
        const batch = Array.from({ length: 4_000 }, (_, k) => event(`r-${round}-${k}`, k % 2 === 0 ? 'doomed' : `u-${k}`, k % 3 === 0 ? 'gone' : 'kept'));
        const insert = data.insertEvents(batch, { createMissing: round % 3 === 2, now: 1 });
        await new Promise((resolve) => setTimeout(resolve, 5 + round * 3));
        const outcomes = await Promise.allSettled([insert, data.deleteUser('doomed'), data.deleteItem('gone')]);
        for (const o of outcomes) {
          // A strict batch that comes after the delete is refused for naming what was deleted.
          if (o.status === 'rejected') expect(['UNKNOWN_USER', 'UNKNOWN_ITEM']).toContain((o.reason as MagpieError).code);
        }
        // Checked every round: the next round's upserts would give orphans their parents back.
        const orphans = await adminQuery(
          `SELECT count(*)::int AS n FROM "${t.schema}".events e
           WHERE NOT EXISTS (SELECT 1 FROM "${t.schema}".users u WHERE u.id = e.user_id)
              OR NOT EXISTS (SELECT 1 FROM "${t.schema}".items i WHERE i.id = e.item_id)`,
        );
        expect(orphans.rows[0].n, `round ${round}`).toBe(0);
      }
      expect((await data.counts()).events).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('refuses text Postgres cannot store (a NUL character) as VALIDATION_FAILED, not a server failure', async () => {
    const t = await openTestStores();
    try {
      await expectMagpieError(t.stores.data.upsertUsers([{ id: 'a\u0000b', attributes: {}, createdAt: 1 }]), 'VALIDATION_FAILED');
      await expectMagpieError(t.stores.data.insertEvents([event('e\u0000')], { createMissing: true, now: 1 }), 'VALIDATION_FAILED');
      expect(await t.stores.data.counts()).toEqual({ users: 0, items: 0, events: 0 });
    } finally {
      await t.close();
    }
  });

  it('stores a model larger than one blob part and reads back the same bytes', async () => {
    const t = await openTestStores();
    try {
      const blob = Uint8Array.from({ length: 17 * 1024 * 1024 + 5 }, (_, k) => (k * 31 + (k >> 12)) % 256);
      const meta = { name: 'main', algorithm: 'ials', params: {}, metrics: {}, trainedAt: 1, trainingSeconds: 1, data: { users: 1, items: 1, interactions: 1, events: 1, from: null, to: null } };
      expect((await t.stores.models.save(meta, blob)).bytes).toBe(blob.byteLength);
      const parts = await adminQuery(`SELECT count(*)::int AS n FROM "${t.schema}".model_parts`);
      expect(parts.rows[0].n).toBe(3);
      const stored = await t.stores.models.latest('main');
      expect(Buffer.from(stored!.blob).equals(Buffer.from(blob))).toBe(true);
    } finally {
      await t.close();
    }
  });
});

withServer(title('postgres connection loss'), () => {
  it('a connection killed under a waiting call gives UNAVAILABLE, and the next call reconnects', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const app = `magpie_kill_${schema.slice(-12)}`;
    const stores = await openPostgresStores(`${urlWithSchema(schema)}&application_name=${app}`, { poolSize: 1 });
    const blocker = new pg.Client({ connectionString: PG_TEST_URL });
    await blocker.connect();
    try {
      // Hold the lock deletes take, so the insert below waits inside the server.
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_advisory_xact_lock($1, $2)', advisoryKey('references', schema));
      // The expectation is attached at once: the rejection may arrive before the kill returns.
      const refused = expectMagpieError(stores.data.insertEvents([event('e1')], { createMissing: true, now: 1 }), 'UNAVAILABLE');
      const waiting = async (): Promise<number> =>
        (await adminQuery(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app])).rows[0].n;
      for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
      const err = await refused;
      expect(err.details).toMatchObject({ sqlState: '57P01' });
      await blocker.query('ROLLBACK');
      expect(await stores.data.insertEvents([event('e1')], { createMissing: true, now: 1 })).toEqual({ inserted: 1 });
    } finally {
      await blocker.end();
      await stores.close();
    }
  });
});

describe('postgres connection failures and URLs', () => {
  it('an unreachable server gives UNAVAILABLE (answered 503 with Retry-After)', async () => {
    const err = await expectMagpieError(openPostgresStores('postgres://postgres@127.0.0.1:1/test', { connectTimeoutMs: 2_000 }), 'UNAVAILABLE');
    expect(err.cause).toBeDefined();
    await expectMagpieError(migratePostgres('postgres://postgres@127.0.0.1:1/test'), 'UNAVAILABLE');
  });

  it('translates driver errors: connection loss and timeouts → UNAVAILABLE, bad values → VALIDATION_FAILED, the rest → STORAGE_FAILED', () => {
    const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });
    expect(translatePgError('op', withCode('57P01')).code).toBe('UNAVAILABLE');
    expect(translatePgError('op', withCode('08006')).code).toBe('UNAVAILABLE');
    expect(translatePgError('op', withCode('ECONNRESET')).code).toBe('UNAVAILABLE');
    expect(translatePgError('op', new Error('Connection terminated unexpectedly')).code).toBe('UNAVAILABLE');
    expect(translatePgError('op', new Error('timeout exceeded when trying to connect')).code).toBe('UNAVAILABLE');
    expect(translatePgError('op', withCode('22021')).code).toBe('VALIDATION_FAILED');
    const other = withCode('42P01', 'relation "users" does not exist');
    const translated = translatePgError('data store.getUser', other);
    expect(translated.code).toBe('STORAGE_FAILED');
    expect(translated.cause).toBe(other);
    expect(translated.details).toEqual({ operation: 'data store.getUser', sqlState: '42P01' });
  });

  it('takes the schema from ?schema=, passes the rest of the URL to pg, and refuses unsafe schema names', () => {
    expect(parsePostgresUrl('postgres://u@h:5/db?schema=magpie&sslmode=disable')).toEqual({
      connectionString: 'postgres://u@h:5/db?sslmode=disable',
      schema: 'magpie',
    });
    expect(parsePostgresUrl('postgresql://u@h/db')).toEqual({ connectionString: 'postgresql://u@h/db', schema: 'public' });
    expect(parsePostgresUrl('postgres://u@h/db?schema=a', { schema: 'b' }).schema).toBe('b');
    for (const bad of ['Magpie', 'a-b', 'x"; DROP TABLE y; --', '1abc', '']) {
      expect(() => parsePostgresUrl(`postgres://u@h/db?schema=${encodeURIComponent(bad)}`)).toThrow(/schema/);
    }
  });
});
