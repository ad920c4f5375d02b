import { afterAll, describe, expect, it } from 'vitest';
import { tablesOf } from './connection.js';
import { openPostgresStores, POSTGRES_MIGRATIONS } from './index.js';
import { PG_TEST_URL, adminQuery, dropSchema, postgresSkipReason, randomSchema } from './testing/pg-test-env.js';

const skipReason = await postgresSkipReason();
const withServer = skipReason === undefined ? describe : describe.skip;
const title = (name: string): string => (skipReason === undefined ? name : `${name} (skipped: ${skipReason})`);

const schemas: string[] = [];
afterAll(async () => {
  if (skipReason === undefined) await Promise.all(schemas.map(dropSchema));
});

withServer(title('postgres migration 4 (model registry)'), () => {
  it('makes the newest version of each name serving, the older ones retired, with a history to roll back along', async () => {
    const schema = randomSchema('magpie_registry');
    schemas.push(schema);
    const t = tablesOf(schema);
    // The schema as version 3 left it, with models saved then (no gate in their meta, no state).
    const before = POSTGRES_MIGRATIONS.filter((m) => m.version <= 3);
    await adminQuery(`CREATE SCHEMA ${t.schema};
      CREATE TABLE ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
      ${before.map((m) => m.sql(t)).join(';\n')};
      INSERT INTO ${t.migrations} (version, name) VALUES ${before.map((m) => `(${m.version}, 'old')`).join(', ')}`);
    for (const [name, version, trainedAt] of [['main', 1, 1_000], ['main', 2, 2_000], ['popular', 1, 1_500]] as const) {
      const meta = { name, algorithm: 'itemknn', params: {}, metrics: {}, trainedAt, trainingSeconds: 1, data: { users: 1, items: 1, interactions: 1, events: 1, from: null, to: null } };
      await adminQuery(
        `INSERT INTO ${t.modelHeads} (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version`,
        [name, version],
      );
      await adminQuery(`INSERT INTO ${t.models} (name, version, meta, bytes) VALUES ($1, $2, $3, 1)`, [name, version, JSON.stringify(meta)]);
      await adminQuery(`INSERT INTO ${t.modelParts} (name, version, part, data) VALUES ($1, $2, 0, $3)`, [name, version, Buffer.of(version)]);
    }

    const stores = await openPostgresStores(PG_TEST_URL, { schema });
    try {
      const main = await stores.models.list('main');
      expect(main.map((m) => [m.version, m.state, m.promotedAt, m.gate])).toEqual([
        [2, 'serving', 2_000, null],
        [1, 'retired', 1_000, null],
      ]);
      expect(await stores.models.servingVersion('popular')).toBe(1);
      expect((await stores.models.promotions('main')).map((p) => p.version)).toEqual([2, 1]);
      expect((await stores.models.rollback('main')).version).toBe(1);
      expect(Array.from((await stores.models.get('main', 1))?.blob ?? [])).toEqual([1]);
      await expect(
        adminQuery(`UPDATE ${t.models} SET state = 'serving' WHERE name = 'main' AND version = 2`),
      ).rejects.toThrow(/unique/i);
    } finally {
      await stores.close();
    }
  });
});
