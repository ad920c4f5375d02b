import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from './migrations.js';
import { openSqliteStores } from './index.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'magpie-registry-'));
  file = join(dir, 'magpie.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A model row as schema version 4 wrote it: its meta JSON has no gate, and there is no state. */
function oldRow(db: Database.Database, name: string, version: number, trainedAt: number): void {
  const meta = {
    name,
    version,
    algorithm: 'itemknn',
    params: {},
    metrics: {},
    trainedAt,
    trainingSeconds: 1,
    data: { users: 1, items: 1, interactions: 1, events: 1, from: null, to: null },
    bytes: 1,
  };
  db.prepare('INSERT INTO models (name, version, meta, blob) VALUES (?, ?, ?, ?)').run(name, version, JSON.stringify(meta), Buffer.of(version));
}

describe('sqlite migration 5 (model registry)', () => {
  it('makes the newest version of each name serving, the older ones retired, with a history to roll back along', async () => {
    const db = new Database(file);
    migrate(db, false, MIGRATIONS.filter((m) => m.version <= 4));
    oldRow(db, 'main', 1, 1_000);
    oldRow(db, 'main', 2, 2_000);
    oldRow(db, 'popular', 1, 1_500);
    db.close();

    const stores = await openSqliteStores(file);
    try {
      const main = await stores.models.list('main');
      expect(main.map((m) => [m.version, m.state, m.promotedAt, m.gate])).toEqual([
        [2, 'serving', 2_000, null],
        [1, 'retired', 1_000, null],
      ]);
      expect(await stores.models.servingVersion('popular')).toBe(1);
      expect((await stores.models.promotions('main')).map((p) => p.version)).toEqual([2, 1]);
      // Right after the upgrade, a rollback restores the version that served before.
      expect((await stores.models.rollback('main')).version).toBe(1);
      expect(await stores.models.servingVersion('main')).toBe(1);
    } finally {
      await stores.close();
    }
  });

  it('refuses a second serving version of a name at the database level', async () => {
    const stores = await openSqliteStores(file);
    await stores.models.close();
    const db = new Database(file);
    oldRow(db, 'main', 1, 1);
    oldRow(db, 'main', 2, 2);
    db.prepare("UPDATE models SET state = 'serving' WHERE version = 1").run();
    expect(() => db.prepare("UPDATE models SET state = 'serving' WHERE version = 2").run()).toThrow(/UNIQUE/);
    db.close();
    await stores.close();
  });
});
