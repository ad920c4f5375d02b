import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import { API_KEY_PATTERN, createApiKey, hashApiKey, parseConfig, type ApiRole } from '../config/index.js';
import { MagpieError } from '../core/index.js';
import { ROUTE_ACCESS, roleAllows, type Access } from './access.js';
import { Keyring } from './auth.js';
import { keysPerRole, testEngine } from './testing/engine.js';

const ROLES: ApiRole[] = ['read', 'write', 'admin'];

/** A concrete request for a route pattern: params filled, a body that needs no stored record. */
function requestFor(key: string): InjectOptions {
  const [method, pattern] = key.split(' ') as [InjectOptions['method'] & string, string];
  const url = pattern.replace(':id', 'nobody').replace(':user', 'nobody').replace('*', 'x');
  const body = method === 'POST' || method === 'PATCH' ? { payload: {} } : {};
  return { method, url, ...body };
}

describe('Keyring', () => {
  const { key, entry } = createApiKey('web', 'read');
  const ring = new Keyring([createApiKey('other', 'admin').entry, entry]);

  it('knows a key by its hash and nothing else', () => {
    expect(key).toMatch(API_KEY_PATTERN);
    expect(entry.hash).toBe(hashApiKey(key));
    expect(entry.hash).not.toContain(key.slice(4));
    expect(ring.verify(key)).toEqual({ name: 'web', role: 'read', rateLimitPerMinute: undefined });
    expect(ring.verify(createApiKey('web', 'read').key)).toBeNull();
    expect(ring.verify(`${key}x`)).toBeNull();
    expect(ring.verify('')).toBeNull();
    expect(ring.verify(entry.hash)).toBeNull();
  });

  it('is off with no keys', () => {
    expect(new Keyring([]).enabled).toBe(false);
    expect(ring.enabled).toBe(true);
  });

  it('two new keys never collide and never repeat', () => {
    const seen = new Set(Array.from({ length: 200 }, () => createApiKey('k', 'read').key));
    expect(seen.size).toBe(200);
  });
});

describe('server.auth configuration', () => {
  const entry = createApiKey('web', 'read').entry;
  it('refuses a malformed hash, a duplicated name and an unknown role', () => {
    const bad = (keys: unknown[]) => () => parseConfig({ server: { auth: { keys } } });
    expect(bad([{ ...entry, hash: 'not-a-hash' }])).toThrow(MagpieError);
    expect(bad([{ ...entry, hash: entry.hash.toUpperCase() }])).toThrow(/hash/);
    expect(bad([entry, { ...createApiKey('web', 'admin').entry }])).toThrow(/used twice/);
    expect(bad([{ ...entry, role: 'root' }])).toThrow(/role/);
    expect(bad([{ ...entry, key: 'mgp_x' }])).toThrow(/unknown key "key"/);
    expect(parseConfig({ server: { auth: { keys: [entry] } } }).server.auth.keys).toEqual([entry]);
  });
});

describe('roles', () => {
  it('nest: admin ⊃ write ⊃ read', () => {
    const needs: Access[] = ['public', 'read', 'write', 'admin'];
    const table = ROLES.map((r) => needs.map((n) => roleAllows(r, n)));
    expect(table).toEqual([
      [true, true, false, false],
      [true, true, true, false],
      [true, true, true, true],
    ]);
  });
});

describe('with no keys configured the API is open', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => ({ engine, app } = await testEngine()));
  afterAll(async () => engine.close());

  it('answers reads and writes without a key', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/popular' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/users', payload: { id: 'ann' } })).statusCode).toBe(200);
    // A key sent to an open server is not checked (there is nothing to check it against).
    const res = await app.inject({ method: 'GET', url: '/api/users/ann', headers: { authorization: 'Bearer whatever' } });
    expect(res.statusCode).toBe(200);
  });
});

describe('with keys configured', () => {
  const { keys, auth } = keysPerRole();
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => ({ engine, app } = await testEngine({ server: { auth } })));
  afterAll(async () => engine.close());

  const bearer = (role: ApiRole) => ({ authorization: `Bearer ${keys[role]}` });

  it('refuses a request without a key: 401 with a challenge, in our error format', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/popular' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="magpie"');
    expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Authorization: Bearer') } });
  });

  it('refuses an invalid key with invalid_token, without echoing it', async () => {
    const forged = createApiKey('forged', 'admin').key;
    for (const headers of [
      { authorization: `Bearer ${forged}` },
      { 'x-api-key': forged },
      { authorization: 'Bearer short' },
      { authorization: `Basic ${Buffer.from(`u:${keys.admin}`).toString('base64')}` },
      { authorization: `Bearer ${keys.admin} extra` },
      { authorization: keys.admin },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/api/popular', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="magpie", error="invalid_token"');
      expect(res.json().error.code).toBe('UNAUTHORIZED');
      expect(res.body).not.toContain(forged);
      expect(res.body).not.toContain(keys.admin);
    }
  });

  it('accepts the key as Bearer (any case) or as x-api-key', async () => {
    for (const headers of [bearer('read'), { authorization: `bearer ${keys.read}` }, { 'x-api-key': keys.read }]) {
      expect((await app.inject({ method: 'GET', url: '/api/popular', headers })).statusCode).toBe(200);
    }
  });

  it('leaves liveness, the API reference and the root open', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(302);
  });

  it('describes the key schemes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    expect(doc.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });

  it('a path no route answers needs a key too; with one it is a 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/secret-admin-thing' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/api/secret-admin-thing', headers: bearer('read') });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('every route answers each role as the access table says: 403 below the role, never 401 with a key', async () => {
    const seen: string[] = [];
    for (const [route, needed] of Object.entries(ROUTE_ACCESS)) {
      if (needed === 'public') continue;
      for (const role of ROLES) {
        const res = await app.inject({ ...requestFor(route), headers: bearer(role) });
        seen.push(`${route} as ${role}: ${res.statusCode}`);
        expect(res.statusCode, `${route} as ${role}: ${res.body}`).not.toBe(401);
        if (roleAllows(role, needed)) {
          expect(res.statusCode, `${route} as ${role}: ${res.body}`).not.toBe(403);
        } else {
          expect(res.statusCode, `${route} as ${role}`).toBe(403);
          expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', details: { role, needed } });
        }
      }
      // And without a key, 401.
      expect((await app.inject(requestFor(route))).statusCode, route).toBe(401);
    }
    expect(seen.length).toBe(3 * Object.values(ROUTE_ACCESS).filter((a) => a !== 'public').length);
  });

  it('checks the key before reading the body: no key and a huge body is a 401, not a 413', async () => {
    const huge = JSON.stringify([{ id: 'x', text: 'y'.repeat(17 * 1024 * 1024) }]);
    const res = await app.inject({ method: 'POST', url: '/api/items', payload: huge, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect((await engine.status()).counts.items).toBe(0);
  });

  it('a write key writes, a read key does not, and nothing refused is stored', async () => {
    const refused = await app.inject({ method: 'POST', url: '/api/users', payload: { id: 'ann' }, headers: bearer('read') });
    expect(refused.statusCode).toBe(403);
    expect((await engine.status()).counts.users).toBe(0);
    const ok = await app.inject({ method: 'POST', url: '/api/users', payload: { id: 'ann' }, headers: bearer('write') });
    expect(ok.statusCode).toBe(200);
    expect((await engine.status()).counts.users).toBe(1);
  });
});

describe('the access table', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => ({ engine, app } = await testEngine({ server: { cors: { origins: ['https://app.example.com'] } } })));
  afterAll(async () => engine.close());

  it('names only routes that exist', () => {
    for (const route of Object.keys(ROUTE_ACCESS)) {
      const [method, url] = route.split(' ') as [string, string];
      // find-my-way keeps the catch-all OPTIONS route as "/*".
      expect(app.hasRoute({ method: method as 'GET', url: url === '*' ? '/*' : url }), route).toBe(true);
    }
  });

  it('covers every route of the OpenAPI document', async () => {
    await app.ready();
    const paths = (app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    const documented = Object.entries(paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(20);
    for (const route of documented) expect(Object.keys(ROUTE_ACCESS), route).toContain(route);
  });

  it('is enforced: a route without an entry cannot be added', async () => {
    const fresh = await testEngine();
    try {
      expect(() => fresh.app.get('/api/forgotten', async () => ({}))).toThrow(/access table/);
    } finally {
      await fresh.engine.close();
    }
  });
});
