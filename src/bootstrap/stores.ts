import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { MagpieError } from '../core/index.js';
import { createMemoryStores } from '../adapters/memory/index.js';
import { openSqliteStores, type StoreBundle } from '../adapters/sqlite/index.js';
import { openNatsEventLog } from '../adapters/nats/index.js';
import type { CacheStore, EventLog } from '../ports/index.js';
import { openRedisCacheStore } from '../adapters/redis/index.js';
import { openPostgresStores, parsePostgresUrl } from '../adapters/postgres/index.js';

/** The data, log and model stores of one backend, opened together. */
export type Stores = StoreBundle;

export interface StorageTarget {
  kind: 'sqlite' | 'memory' | 'postgres';
  /** For sqlite: an absolute file path, or ':memory:'. */
  path: string | null;
  /** For postgres: the connection URL as configured (schema in `?schema=`). */
  url: string | null;
  /** Whether another thread or process can open the same stores (false for in-memory ones). */
  shareable: boolean;
}

/** storage.url → which backend: sqlite:<path>, sqlite::memory:, memory:, postgres://… */
export function parseStorageUrl(url: string, cwd = process.cwd()): StorageTarget {
  if (url === 'memory:' || url === 'memory') return { kind: 'memory', path: null, url: null, shareable: false };
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (rest === ':memory:') return { kind: 'sqlite', path: ':memory:', url: null, shareable: false };
    if (rest.length === 0) throw new MagpieError('CONFIG_INVALID', 'storage.url sqlite: needs a file path, e.g. sqlite:./magpie.db');
    return { kind: 'sqlite', path: resolve(cwd, rest), url: null, shareable: true };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    parsePostgresUrl(url); // refuses a bad ?schema= now, not at first use
    return { kind: 'postgres', path: null, url, shareable: true };
  }
  throw new MagpieError(
    'CONFIG_INVALID',
    `storage.url "${url}" is not supported; use sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]`,
  );
}

/** Opens the target's stores; a sqlite file or postgres schema is migrated to the current version first. */
export async function openStores(target: StorageTarget, eventLog: { url: string; stream: string } = { url: 'store', stream: 'magpie' }): Promise<Stores> {
  const stores = await openBackend(target);
  if (eventLog.url === 'store') return stores;
  // The feedback log in a NATS JetStream stream instead of the store: every process appends to
  // and follows the same stream; the store's own log table stays unused.
  let log: EventLog;
  try {
    log = await openNatsEventLog(eventLog.url, { stream: eventLog.stream });
  } catch (err) {
    await stores.close();
    throw err;
  }
  return {
    ...stores,
    log,
    async close() {
      await Promise.all([stores.close(), log.close()]);
    },
  };
}

async function openBackend(target: StorageTarget): Promise<Stores> {
  if (target.kind === 'memory') return createMemoryStores();
  if (target.kind === 'postgres') return openPostgresStores(target.url ?? '');
  const path = target.path ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return openSqliteStores(path);
}

/**
 * The cache shared by every server process (storage.cache), or undefined for none. A server
 * starts even while Redis is down: the client reconnects by itself and serving skips the cache
 * until it answers.
 */
export async function openSharedCache(url: string, keyPrefix: string): Promise<CacheStore | undefined> {
  if (url === 'none') return undefined;
  return openRedisCacheStore(url, { keyPrefix, requireConnection: false });
}
