import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import type { MagpieConfigInput } from '../config/index.js';
import { keysPerRole, testEngine } from './testing/engine.js';

let opened: Engine[] = [];
afterEach(async () => {
  await Promise.all(opened.map((e) => e.close()));
  opened = [];
});

async function open(overrides: MagpieConfigInput): Promise<FastifyInstance> {
  const { engine, app } = await testEngine(overrides);
  opened.push(engine);
  return app;
}

function expectLimited(res: LightMyRequestResponse, limit: number): void {
  expect(res.statusCode).toBe(429);
  const body = res.json();
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.details).toMatchObject({ limitPerMinute: limit });
  // The limiter's exact wait, not the generic default: within the one-minute window.
  const retry = Number(res.headers['retry-after']);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
  expect(body.error.details.retryAfterSeconds).toBe(retry);
}

describe('rate limits', () => {
  it('are off by default: no limiter, no headers', async () => {
    const app = await open({});
    for (let i = 0; i < 30; i++) {
      const res = await app.inject({ method: 'GET', url: '/api/popular' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it("count per key: a key's own limit, other keys untouched", async () => {
    const { keys, auth } = keysPerRole({ read: 3 });
    const app = await open({ server: { auth } });
    const as = (key: string) => ({ method: 'GET' as const, url: '/api/popular', headers: { 'x-api-key': key } });
    for (let i = 0; i < 3; i++) {
      const res = await app.inject(as(keys.read));
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    expectLimited(await app.inject(as(keys.read)), 3);
    // The same key by the other header is the same client.
    expectLimited(await app.inject({ method: 'GET', url: '/api/latest', headers: { authorization: `Bearer ${keys.read}` } }), 3);
    // Keys without a limit (rate limiting not enabled) are not counted at all.
    for (let i = 0; i < 10; i++) {
      const res = await app.inject(as(keys.write));
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
    // Liveness is never limited.
    expect((await app.inject({ method: 'GET', url: '/health', headers: { 'x-api-key': keys.read } })).statusCode).toBe(200);
  });

  it('when enabled, give every key the default unless it has its own', async () => {
    const { keys, auth } = keysPerRole({ admin: 5 });
    const app = await open({ server: { auth, rateLimit: { enabled: true, perMinute: 2 } } });
    const get = (key: string) => app.inject({ method: 'GET', url: '/api/trending', headers: { 'x-api-key': key } });
    expect((await get(keys.read)).statusCode).toBe(200);
    expect((await get(keys.read)).statusCode).toBe(200);
    expectLimited(await get(keys.read), 2);
    for (let i = 0; i < 5; i++) expect((await get(keys.admin)).statusCode).toBe(200);
    expectLimited(await get(keys.admin), 5);
  });

  it('count per IP when auth is off', async () => {
    const app = await open({ server: { rateLimit: { enabled: true, perMinute: 2 } } });
    const from = (ip: string) => app.inject({ method: 'GET', url: '/api/popular', remoteAddress: ip });
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    expectLimited(await from('10.0.0.1'), 2);
    expect((await from('10.0.0.2')).statusCode).toBe(200);
  });

  it('a refused write stores nothing', async () => {
    const { keys, auth } = keysPerRole({ write: 1 });
    const { engine, app } = await testEngine({ server: { auth } });
    opened.push(engine);
    const post = (id: string) => app.inject({ method: 'POST', url: '/api/users', payload: { id }, headers: { 'x-api-key': keys.write } });
    expect((await post('ann')).statusCode).toBe(200);
    expectLimited(await post('bob'), 1);
    expect((await engine.status()).counts.users).toBe(1);
  });
});
