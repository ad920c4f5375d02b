import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MagpieError } from '../core/index.js';
import { deepMerge, loadConfig, parseConfig } from './load.js';
import { DEFAULT_MODELS, type MagpieConfig } from './schema.js';

function configError(f: () => unknown): MagpieError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MagpieError);
    expect((err as MagpieError).code).toBe('CONFIG_INVALID');
    return err as MagpieError;
  }
  throw new Error('expected CONFIG_INVALID, nothing was thrown');
}

describe('parseConfig', () => {
  it('gives the documented defaults for {}', () => {
    const c = parseConfig({});
    expect(c.server).toEqual({
      host: '0.0.0.0',
      port: 8080,
      bodyLimitBytes: 16 * 1024 * 1024,
      logLevel: 'info',
      // No keys: an open API; no rate limit; no CORS headers.
      auth: { keys: [] },
      rateLimit: { enabled: false, perMinute: 6000 },
      cors: { origins: [], credentials: false },
    });
    expect(c.storage).toEqual({ url: 'sqlite:./magpie.db', eventLog: 'store', eventLogStream: 'magpie' });
    expect(c.feedback.createMissingUsers).toBe(true);
    expect(c.feedback.createMissingItems).toBe(true);
    expect(c.feedback.types).toEqual({
      view: { role: 'seen', weight: 0 },
      click: { role: 'positive', weight: 1 },
      like: { role: 'positive', weight: 2 },
      share: { role: 'positive', weight: 2 },
      rating: { role: 'positive', weight: 1, minValue: 3 },
      purchase: { role: 'positive', weight: 4 },
      dislike: { role: 'negative', weight: 0 },
    });
    expect(c.ingest).toEqual({ maxBatch: 10_000, maxIdLength: 256, waitForApply: true });
    expect(c.training).toEqual({
      seed: 42,
      intervalMinutes: 60,
      onStart: 'if-missing',
      holdoutFraction: 0.1,
      inWorker: true,
      gate: { enabled: true, metric: 'ndcg@20', tolerance: 0.02 },
      driftWindow: 10_000,
      models: {
        main: { algorithm: 'blend', params: {} },
        similar: { algorithm: 'itemknn', params: {} },
        popular: { algorithm: 'popularity', params: { halfLifeDays: 0 } },
        trending: { algorithm: 'popularity', params: { halfLifeDays: 3 } },
      },
    });
    const { surfaces, ...serving } = c.serving;
    expect(serving).toEqual({ defaultN: 10, maxN: 500, historyLimit: 500, excludeSeen: true, modelPollSeconds: 5, retrieval: 'exact', cacheEntries: 100_000, logImpressions: true, attributionMinutes: 30 });
    expect(Object.keys(surfaces)).toEqual(['home', 'item', 'rerank', 'email']);
    expect(c.demo).toBe(false);
  });

  it('merges a surface given under a built-in name into the built-in one, key by key', () => {
    const builtIn = parseConfig({}).serving.surfaces['home']!;
    const c = parseConfig({ serving: { surfaces: { home: { cacheSeconds: 0, ranker: { weights: { fresh: 0.5 } } }, mine: { sources: [{ type: 'collaborative' }] } } } });
    const home = c.serving.surfaces['home']!;
    expect(home.cacheSeconds).toBe(0);
    expect(home.sources).toEqual(builtIn.sources); // not the schema's default []
    expect(home.postprocess).toEqual(builtIn.postprocess);
    expect(home.ranker.weights).toEqual({ ...builtIn.ranker.weights, fresh: 0.5 });
    expect(c.serving.surfaces['mine']!.sources).toEqual([{ type: 'collaborative', name: 'collaborative', role: 'main', limit: 200 }]);
    const bad = configError(() => parseConfig({ serving: { surfaces: { home: { cacheSeconds: -1 } } } }));
    expect(JSON.stringify(bad.details)).toContain('serving.surfaces.home.cacheSeconds');
  });

  it('fills defaults around the given fields', () => {
    const c = parseConfig({ server: { port: 9000 }, feedback: { types: { star: { role: 'positive' } } } });
    expect(c.server.port).toBe(9000);
    expect(c.server.host).toBe('0.0.0.0');
    // A given types record replaces the defaults (it is not merged), and weight defaults to 1.
    expect(c.feedback.types).toEqual({ star: { role: 'positive', weight: 1 } });
  });

  it('rejects unknown keys with CONFIG_INVALID and a details path naming each key', () => {
    const top = configError(() => parseConfig({ bogus: 1 }));
    expect(top.details).toEqual([{ path: 'bogus', message: 'unknown key "bogus"' }]);
    expect(top.message).toContain('bogus');
    const nested = configError(() => parseConfig({ server: { port: 1, nope: 2, nah: 3 } }));
    expect((nested.details as Array<{ path: string }>).map((d) => d.path)).toEqual(['server.nope', 'server.nah']);
    const deep = configError(() => parseConfig({ feedback: { types: { like: { role: 'positive', wieght: 2 } } } }));
    expect((deep.details as Array<{ path: string }>).map((d) => d.path)).toEqual(['feedback.types.like.wieght']);
  });

  it('rejects bad values with the path of each one', () => {
    const e = configError(() => parseConfig({ server: { port: 70000, logLevel: 'loud' }, training: { holdoutFraction: 0.9 } }));
    expect((e.details as Array<{ path: string }>).map((d) => d.path).sort()).toEqual([
      'server.logLevel',
      'server.port',
      'training.holdoutFraction',
    ]);
    expect(e.message).toMatch(/^invalid configuration at /);
    configError(() => parseConfig({ feedback: { types: { like: { role: 'love' } } } }));
    configError(() => parseConfig({ training: { models: { main: { params: {} } } } }));
    configError(() => parseConfig(null));
    configError(() => parseConfig('port=80'));
  });

  it('merges model roles over the defaults; null removes one', () => {
    const c = parseConfig({
      training: { models: { main: { algorithm: 'itemknn', params: { k: 50 } }, similar: null, fresh: { algorithm: 'popularity' } } },
    });
    expect(c.training.models).toEqual({
      main: { algorithm: 'itemknn', params: { k: 50 } },
      popular: { algorithm: 'popularity', params: { halfLifeDays: 0 } },
      trending: { algorithm: 'popularity', params: { halfLifeDays: 3 } },
      fresh: { algorithm: 'popularity', params: {} },
    });
  });

  it('is idempotent on an already-parsed config: a removed role stays removed', () => {
    const once = parseConfig({ training: { models: { trending: null } } });
    const twice = parseConfig(once);
    expect(Object.keys(twice.training.models).sort()).toEqual(['main', 'popular', 'similar']);
    expect(twice).toEqual(once);
    // loadConfig's overrides path goes through parseConfig as well.
    expect(parseConfig(parseConfig(parseConfig({})))).toEqual(parseConfig({}));
  });

  it('hands out fresh defaults: editing one parsed config does not leak into the next', () => {
    const a = parseConfig({});
    (a.training.models.main!.params as Record<string, unknown>).factors = 999;
    a.feedback.types.view!.weight = 5;
    const b = parseConfig({});
    expect(b.training.models.main).toEqual({ algorithm: 'blend', params: {} });
    expect(b.feedback.types.view).toEqual({ role: 'seen', weight: 0 });
    expect(DEFAULT_MODELS.main).toEqual({ algorithm: 'blend', params: {} });
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'magpie-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('gives the defaults with no file, no env and no overrides', () => {
    expect(loadConfig({ env: {}, cwd: dir })).toEqual(parseConfig({}));
  });

  it('reads ./magpie.config.json from cwd when present', () => {
    write('magpie.config.json', { server: { port: 1111 } });
    expect(loadConfig({ env: {}, cwd: dir }).server.port).toBe(1111);
  });

  it('applies defaults < file < env < overrides, field by field', () => {
    write('magpie.config.json', {
      server: { port: 1111, host: 'file-host', logLevel: 'warn' },
      storage: { url: 'sqlite:./file.db' },
      serving: { defaultN: 7 },
    });
    const env = { MAGPIE_PORT: '2222', MAGPIE_STORAGE_URL: 'memory:', MAGPIE_LOG_LEVEL: 'debug' };
    const c: MagpieConfig = loadConfig({ env, cwd: dir, overrides: { server: { port: 3333 } } });
    expect(c.server.port).toBe(3333); // override beats env and file
    expect(c.storage.url).toBe('memory:'); // env beats file
    expect(c.server.logLevel).toBe('debug'); // env beats file
    expect(c.server.host).toBe('file-host'); // file beats default, nothing above it
    expect(c.serving.defaultN).toBe(7);
    expect(c.serving.maxN).toBe(500); // default
    const noOverride = loadConfig({ env, cwd: dir });
    expect(noOverride.server.port).toBe(2222);
    expect(loadConfig({ env: { MAGPIE_HOST: '127.0.0.1' }, cwd: dir }).server.host).toBe('127.0.0.1');
  });

  it('finds the file through $MAGPIE_CONFIG (relative to cwd) or an explicit path, explicit first', () => {
    write('a.json', { server: { port: 4001 } });
    write('b.json', { server: { port: 4002 } });
    write('magpie.config.json', { server: { port: 4000 } });
    expect(loadConfig({ env: { MAGPIE_CONFIG: 'a.json' }, cwd: dir }).server.port).toBe(4001);
    expect(loadConfig({ env: { MAGPIE_CONFIG: 'a.json' }, cwd: dir, file: join(dir, 'b.json') }).server.port).toBe(4002);
  });

  it('ignores empty env values', () => {
    expect(loadConfig({ env: { MAGPIE_PORT: '', MAGPIE_STORAGE_URL: '' }, cwd: dir }).server.port).toBe(8080);
  });

  it('rejects a non-numeric MAGPIE_PORT with CONFIG_INVALID at server.port', () => {
    const e = configError(() => loadConfig({ env: { MAGPIE_PORT: 'eighty' }, cwd: dir }));
    expect((e.details as Array<{ path: string }>)[0]!.path).toBe('server.port');
  });

  it('merges model roles from the file with the defaults; an override of null removes one', () => {
    write('magpie.config.json', { training: { models: { main: { algorithm: 'itemknn' }, similar: null } } });
    const c = loadConfig({ env: {}, cwd: dir, overrides: { training: { models: { trending: null } } } });
    expect(c.training.models).toEqual({
      main: { algorithm: 'itemknn', params: {} },
      popular: { algorithm: 'popularity', params: { halfLifeDays: 0 } },
    });
  });

  it('rejects a missing explicit file, invalid JSON, a non-object file and unknown keys', () => {
    expect(configError(() => loadConfig({ env: {}, cwd: dir, file: 'missing.json' })).message).toContain('missing.json');
    configError(() => loadConfig({ env: { MAGPIE_CONFIG: 'missing.json' }, cwd: dir }));
    write('bad.json', '{ "server": ');
    configError(() => loadConfig({ env: {}, cwd: dir, file: 'bad.json' }));
    for (const content of ['null', '[1, 2]', '"sqlite:x"', '3']) {
      write('odd.json', content);
      configError(() => loadConfig({ env: {}, cwd: dir, file: 'odd.json' }));
    }
    write('unknown.json', { sever: { port: 1 } });
    expect((configError(() => loadConfig({ env: {}, cwd: dir, file: 'unknown.json' })).details as Array<{ path: string }>)[0]!.path).toBe(
      'sever',
    );
  });
});

describe('deepMerge', () => {
  it('merges objects key by key; anything else in b replaces a; undefined keeps a', () => {
    expect(deepMerge({ a: 1, n: { x: 1, y: 2 } }, { n: { y: 3, z: 4 }, b: 2 })).toEqual({ a: 1, b: 2, n: { x: 1, y: 3, z: 4 } });
    expect(deepMerge({ list: [1, 2, 3] }, { list: [9] })).toEqual({ list: [9] });
    expect(deepMerge({ a: { x: 1 } }, { a: null })).toEqual({ a: null });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
    expect(deepMerge({ a: 1 }, { a: undefined })).toEqual({ a: 1 });
  });

  it('does not modify its inputs', () => {
    const a = { n: { x: 1 } };
    const b = { n: { y: 2 } };
    deepMerge(a, b);
    expect(a).toEqual({ n: { x: 1 } });
    expect(b).toEqual({ n: { y: 2 } });
  });
});
