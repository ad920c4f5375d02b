import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import { parseConfig } from '../config/index.js';
import { MagpieError } from '../core/index.js';
import { keysPerRole, testEngine } from './testing/engine.js';

const ALLOWED = 'https://app.example.com';
const REFUSED = 'https://evil.example.net';

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/api/users/ann',
  headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
});

describe('CORS off (the default)', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => ({ engine, app } = await testEngine()));
  afterAll(async () => engine.close());

  it('sends no CORS headers, and a preflight finds no route', async () => {
    const get = await app.inject({ method: 'GET', url: '/api/popular', headers: { origin: ALLOWED } });
    expect(get.statusCode).toBe(200);
    expect(Object.keys(get.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const pre = await app.inject(preflight(ALLOWED));
    expect(pre.statusCode).toBe(404);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('CORS for listed origins, with auth on', () => {
  const { keys, auth } = keysPerRole();
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => ({ engine, app } = await testEngine({ server: { auth, cors: { origins: [ALLOWED], credentials: true } } })));
  afterAll(async () => engine.close());

  it('answers a preflight from an allowed origin without a key', async () => {
    const res = await app.inject(preflight(ALLOWED));
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-allow-methods'])).toContain('PATCH');
    expect(String(res.headers['access-control-allow-headers'])).toContain('authorization');
    expect(String(res.headers.vary)).toContain('Origin');
  });

  it('gives a refused origin no CORS headers: its preflight is a 404 in our format', async () => {
    const res = await app.inject(preflight(REFUSED));
    expect(res.statusCode).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    // A look-alike origin is refused too (exact match only).
    expect((await app.inject(preflight(`${ALLOWED}.evil.net`))).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('marks real responses of an allowed origin, errors included, so the page can read them', async () => {
    const ok = await app.inject({ method: 'GET', url: '/api/popular', headers: { origin: ALLOWED, 'x-api-key': keys.read } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(ok.headers['access-control-expose-headers'])).toContain('retry-after');
    const denied = await app.inject({ method: 'GET', url: '/api/popular', headers: { origin: ALLOWED } });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(ALLOWED);
    const refused = await app.inject({ method: 'GET', url: '/api/popular', headers: { origin: REFUSED, 'x-api-key': keys.read } });
    expect(refused.statusCode).toBe(200);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps every error in our format, even an OPTIONS without a requested method', async () => {
    const res = await app.inject({ method: 'OPTIONS', url: '/api/popular', headers: { origin: ALLOWED } });
    expect(res.statusCode).toBe(204);
    expect(res.headers['content-type']).toBeUndefined();
  });
});

describe('server.cors configuration', () => {
  it('refuses credentials for every origin, and an origin with a path', () => {
    expect(() => parseConfig({ server: { cors: { origins: ['*'], credentials: true } } })).toThrow(MagpieError);
    expect(() => parseConfig({ server: { cors: { origins: ['https://a.example.com/app'] } } })).toThrow(/origin/);
    expect(parseConfig({ server: { cors: { origins: ['*'] } } }).server.cors).toEqual({ origins: ['*'], credentials: false });
    expect(parseConfig({ server: { cors: { origins: ['http://localhost:3000'] } } }).server.cors.origins).toEqual(['http://localhost:3000']);
  });
});
