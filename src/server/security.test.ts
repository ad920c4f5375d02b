import { Readable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import { createApiKey } from '../config/index.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-body.js';
import { keysPerRole, serverOn, testEngine } from './testing/engine.js';

const LIMIT = 8 * 1024;

/** Everything a rejected request could have changed. */
async function storeState(engine: Engine): Promise<unknown> {
  return {
    counts: await engine.stores.data.counts(),
    users: await engine.records.listUsers(1000),
    items: await engine.records.listItems(1000),
    history: await engine.recommend.history('ann', 1000),
  };
}

/** A JSON body of exactly `bytes` bytes for a route (a long title or attribute pads it). */
function bodyOf(route: string, bytes: number): string {
  const pad = (make: (p: string) => unknown): string => {
    const bare = JSON.stringify(make(''));
    return JSON.stringify(make('x'.repeat(bytes - bare.length)));
  };
  switch (route) {
    case 'POST /api/users':
      return pad((p) => [{ id: 'zed', attributes: { note: p } }]);
    case 'POST /api/items':
      return pad((p) => [{ id: 'm9', title: 'T', text: p }]);
    case 'POST /api/events':
      return pad((p) => [{ user: 'ann', item: 'm1', type: 'like', context: { note: p } }]);
    case 'PATCH /api/users/ann':
      return pad((p) => ({ attributes: { note: p } }));
    case 'PATCH /api/items/m1':
      return pad((p) => ({ text: p }));
    default:
      return pad((p) => ({ user: 'ann', items: ['m1'], filter: p }));
  }
}

const ROUTES = ['POST /api/users', 'POST /api/items', 'POST /api/events', 'PATCH /api/users/ann', 'PATCH /api/items/m1', 'POST /api/rerank'];

describe(`a body over server.bodyLimitBytes (${LIMIT})`, () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ engine, app } = await testEngine({ server: { bodyLimitBytes: LIMIT } }));
    await app.inject({ method: 'POST', url: '/api/items', payload: [{ id: 'm1', title: 'One' }] });
    await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'ann', item: 'm1', type: 'like' }] });
  });
  afterAll(async () => engine.close());

  it('is refused with 413 PAYLOAD_TOO_LARGE on every route that takes one, and nothing is stored', async () => {
    for (const route of ROUTES) {
      const [method, url] = route.split(' ') as ['POST', string];
      const before = await storeState(engine);
      const payload = bodyOf(route, LIMIT + 1);
      expect(Buffer.byteLength(payload)).toBe(LIMIT + 1);
      const res = await app.inject({ method, url, payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, route).toBe(413);
      expect(res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
      expect(await storeState(engine), route).toEqual(before);
    }
  });

  it('is refused while streaming too, when no content-length announces it', async () => {
    const before = await storeState(engine);
    const body = bodyOf('POST /api/items', LIMIT * 4);
    const chunks = Array.from({ length: 8 }, (_, i) => body.slice((i * body.length) / 8, ((i + 1) * body.length) / 8));
    const req: InjectOptions = {
      method: 'POST',
      url: '/api/items',
      payload: Readable.from(chunks),
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    };
    const res = await app.inject(req);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storeState(engine)).toEqual(before);
  });

  it('while one of exactly the limit is accepted', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/items',
      payload: bodyOf('POST /api/items', LIMIT),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await engine.records.getItem('m9')).text.length).toBeGreaterThan(LIMIT - 100);
  });
});

describe('requests that fail before routing', () => {
  it('get our error format: a URL that does not decode, a parameter over the router limit', async () => {
    const { engine, app } = await testEngine();
    try {
      for (const url of ['/api/users/%ED%A0%80', '/api/items/%zz', `/api/users/${'x'.repeat(2100)}`]) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(400);
        expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
      }
    } finally {
      await engine.close();
    }
  });
});

describe('deeply nested JSON', () => {
  it('is measured without recursion', () => {
    expect(nestsDeeperThan([[1]], 2)).toBe(false);
    expect(nestsDeeperThan([[[1]]], 2)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1] } }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: { b: [1] } }, 2)).toBe(true);
    expect(nestsDeeperThan({ a: '[[[[{{{{' }, 1)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
  });

  it(`is refused with 400 past ${MAX_JSON_DEPTH} levels, before any validator recurses into it`, async () => {
    const { engine, app } = await testEngine();
    try {
      const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
      // The user object and attributes take 3 levels: [ { "attributes": { "x": …
      const body = (depth: number) => `[{"id":"deep","attributes":{"x":${nested(depth)}}}]`;
      const ok = await app.inject({ method: 'POST', url: '/api/users', payload: body(MAX_JSON_DEPTH - 3), headers: { 'content-type': 'application/json' } });
      expect(ok.statusCode, ok.body).toBe(200);
      for (const depth of [MAX_JSON_DEPTH - 2, 30_000]) {
        const res = await app.inject({ method: 'POST', url: '/api/users', payload: body(depth), headers: { 'content-type': 'application/json' } });
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH}`) });
      }
      expect((await engine.status()).counts.users).toBe(1);
    } finally {
      await engine.close();
    }
  });
});

describe('logs never hold key material', () => {
  const { keys, auth } = keysPerRole();
  const forged = createApiKey('forged', 'admin').key;
  let engine: Engine;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    ({ engine } = await testEngine({ server: { auth } }));
    app = await serverOn(engine, {
      logger: { level: 'trace' },
      logStream: { write: (line: string) => void lines.push(line) },
    });
    // What a debugging session might add: the request's headers, as they are.
    app.addHook('onRequest', async (req) => {
      req.log.debug({ headers: req.headers }, 'request headers');
      req.log.debug({ request: { headers: req.headers } }, 'request again');
    });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('with debug request logging on, across good, bad and refused keys', async () => {
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/api/popular', headers: { authorization: `Bearer ${keys.read}` } },
      { method: 'GET', url: '/api/latest', headers: { 'x-api-key': keys.read } },
      { method: 'POST', url: '/api/users', payload: { id: 'ann' }, headers: { 'x-api-key': keys.write } },
      { method: 'POST', url: '/api/users', payload: { id: 'bob' }, headers: { authorization: `Bearer ${keys.read}` } },
      { method: 'POST', url: '/api/users', payload: '{"id":', headers: { 'x-api-key': keys.admin, 'content-type': 'application/json' } },
      { method: 'GET', url: '/api/popular', headers: { authorization: `Bearer ${forged}` } },
      { method: 'GET', url: '/api/popular', headers: { 'x-api-key': forged } },
      { method: 'GET', url: '/api/nowhere', headers: { 'x-api-key': keys.admin } },
      { method: 'POST', url: '/api/admin/train', headers: { authorization: `Bearer ${keys.admin}` } },
    ];
    const statuses = [];
    for (const r of requests) statuses.push((await app.inject(r)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 403, 400, 401, 401, 404, 409]);

    const log = lines.join('');
    expect(log).toContain('incoming request');
    expect(log).toContain('request completed');
    expect(log).toContain('[redacted]');
    expect(log).toContain('"keyName":"write-client"');
    for (const secret of [...Object.values(keys), forged]) {
      expect(log).not.toContain(secret);
      // Nor a recognisable part of one.
      expect(log).not.toContain(secret.slice(4, 24));
    }
  });
});
