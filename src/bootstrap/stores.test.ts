import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MagpieError } from '../core/index.js';
import { buildProgram } from '../cli/index.js';
import { PG_TEST_URL, dropSchema, postgresSkipReason, randomSchema } from '../adapters/postgres/testing/pg-test-env.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../adapters/sqlite/index.js';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from '../adapters/postgres/index.js';
import { migrateStorage } from './migrate.js';
import { openStores, parseStorageUrl } from './stores.js';

const skipReason = await postgresSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'magpie-migrate-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(schemas.map(dropSchema));
});

function pgUrl(schema: string): string {
  return `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** Runs `magpie …` in-process with the real migrator; returns what it printed on stdout. */
async function magpie(...args: string[]): Promise<string> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  try {
    const noEngine = async (): Promise<never> => {
      throw new Error('migrate opens no engine');
    };
    await buildProgram(noEngine, migrateStorage).exitOverride().parseAsync(['node', 'magpie', ...args]);
  } finally {
    out.mockRestore();
  }
  return stdout;
}

describe('storage URLs', () => {
  it('postgres:// and postgresql:// name a shareable Postgres store', () => {
    for (const url of ['postgres://u:p@db.example:5432/magpie', 'postgresql://u@localhost/magpie?schema=recs&sslmode=require']) {
      expect(parseStorageUrl(url)).toEqual({ kind: 'postgres', path: null, url, shareable: true });
    }
  });

  it('refuses a bad schema name at once, and says which URLs work', () => {
    let caught: unknown;
    try {
      parseStorageUrl('postgres://u@h/db?schema=Not-Valid');
    } catch (err) {
      caught = err;
    }
    expect((caught as MagpieError).code).toBe('CONFIG_INVALID');
    expect(() => parseStorageUrl('mysql://u@h/db')).toThrow(/postgres:\/\//);
  });

  it('keeps the sqlite and memory forms', () => {
    expect(parseStorageUrl('sqlite:./x.db', '/srv')).toEqual({ kind: 'sqlite', path: '/srv/x.db', url: null, shareable: true });
    expect(parseStorageUrl('memory:')).toEqual({ kind: 'memory', path: null, url: null, shareable: false });
  });
});

describe('magpie migrate', () => {
  it('migrates a SQLite file once and reports what it applied', async () => {
    const db = join(dir, 'sub', 'magpie.db');
    const all = MIGRATIONS.map((m) => m.version);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(await magpie('migrate', '--db', db)).toBe(`storage: ${db} (sqlite)\napplied: ${all.join(', ')}\ncurrent: ${SCHEMA_VERSION}\n`);
    expect(await migrateStorage({ storage: { url: `sqlite:${db}` } }, undefined)).toEqual({
      backend: 'sqlite',
      location: db,
      applied: [],
      current: SCHEMA_VERSION,
    });
  });

  it('says in-memory storage has nothing to migrate', async () => {
    expect(await magpie('migrate', '--storage', 'memory:')).toMatch(/nothing to migrate: in-memory storage has no schema/);
  });

  (skipReason === undefined ? it : it.skip)(
    `migrates a Postgres schema once, and openStores then opens it${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
    async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const first = await magpie('migrate', '--storage', pgUrl(schema));
      const all = POSTGRES_MIGRATIONS.map((m) => m.version).join(', ');
      expect(first).toMatch(new RegExp(`schema ${schema} \\(postgres\\)\\napplied: ${all}\\ncurrent: ${POSTGRES_SCHEMA_VERSION}\\n$`));
      expect(await magpie('migrate', '--storage', pgUrl(schema))).toMatch(
        new RegExp(`applied: none \\(already current\\)\\ncurrent: ${POSTGRES_SCHEMA_VERSION}\\n$`),
      );
      const stores = await openStores(parseStorageUrl(pgUrl(schema)));
      try {
        await stores.data.upsertUsers([{ id: 'u1', attributes: {}, createdAt: 1 }]);
        expect(await stores.data.counts()).toEqual({ users: 1, items: 0, events: 0 });
      } finally {
        await stores.close();
      }
    },
  );
});
