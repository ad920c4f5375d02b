export { openSqliteStores } from './open-sqlite-stores.js';
export type { SqliteStoresOptions } from './open-sqlite-stores.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export type { Migration } from './migrations.js';
export type { StoreBundle } from '../shared/index.js';
