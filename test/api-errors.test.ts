import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Engine } from '../src/index.js';
import { memoryEngine } from './helpers/engine.js';

let engine: Engine;
let app: FastifyInstance;
beforeAll(async () => ({ engine, app } = await memoryEngine({ server: { bodyLimitBytes: 4 * 1024 * 1024 } })));
afterAll(async () => engine.close());

async function expectError(
  req: InjectOptions,
  status: number,
  code: string,
): Promise<{ code: string; message: string; details?: unknown }> {
  const res = await app.inject(req);
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

const event = { user: 'ann', item: 'm1', type: 'like' };

describe('bad input gets a 4xx with a code and what was wrong', () => {
  it('wrong types name the field', async () => {
    const err = await expectError({ method: 'POST', url: '/api/events', payload: [{ ...event, value: 'high' }] }, 400, 'VALIDATION_FAILED');
    expect(err.details).toContainEqual(expect.objectContaining({ in: 'body', path: '0.value' }));
  });

  it('unknown fields are refused, not dropped', async () => {
    const err = await expectError({ method: 'POST', url: '/api/events', payload: [{ ...event, rating: 5 }] }, 400, 'VALIDATION_FAILED');
    expect(err.message).toContain('rating');
    await expectError({ method: 'POST', url: '/api/items', payload: { id: 'x', colour: 'red' } }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'GET', url: '/api/popular?count=3' }, 400, 'VALIDATION_FAILED');
  });

  it('an oversized batch is refused before validation', async () => {
    const payload = Array.from({ length: 10_001 }, (_, i) => ({ ...event, id: `e${i}` }));
    const err = await expectError({ method: 'POST', url: '/api/events', payload }, 413, 'BATCH_TOO_LARGE');
    expect(err.details).toEqual({ max: 10_000, got: 10_001 });
    expect((await engine.status()).counts.events).toBe(0);
  });

  it('an empty batch is refused', async () => {
    await expectError({ method: 'POST', url: '/api/events', payload: [] }, 400, 'VALIDATION_FAILED');
  });

  it('malformed JSON', async () => {
    await expectError(
      { method: 'POST', url: '/api/events', payload: '[{"user": "ann",', headers: { 'content-type': 'application/json' } },
      400,
      'MALFORMED_JSON',
    );
  });

  it('a prototype-poisoning body is refused', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: '{"id":"x","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(['MALFORMED_JSON', 'VALIDATION_FAILED']).toContain(res.json().error.code);
  });

  it('ids that are too long, empty or hold control characters', async () => {
    const long = 'x'.repeat(257);
    const err = await expectError({ method: 'POST', url: '/api/events', payload: [{ ...event, user: long }] }, 400, 'VALIDATION_FAILED');
    expect(err.details).toContainEqual(expect.objectContaining({ path: '0.user' }));
    await expectError({ method: 'POST', url: '/api/users', payload: { id: '' } }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'POST', url: '/api/users', payload: { id: 'a\u0000b' } }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'GET', url: `/api/users/${long}` }, 400, 'VALIDATION_FAILED');
  });

  it('bad timestamps', async () => {
    await expectError({ method: 'POST', url: '/api/events', payload: [{ ...event, timestamp: 'yesterday' }] }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'POST', url: '/api/events', payload: [{ ...event, timestamp: -5 }] }, 400, 'VALIDATION_FAILED');
  });

  it('an unconfigured feedback type', async () => {
    const err = await expectError({ method: 'POST', url: '/api/events', payload: [event, { ...event, type: 'teleport' }] }, 422, 'UNKNOWN_FEEDBACK_TYPE');
    expect(err.details).toMatchObject({ events: [{ index: 1, type: 'teleport' }] });
    expect((await engine.status()).counts.events).toBe(0);
  });

  it('a body over the size limit', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    await expectError({ method: 'POST', url: '/api/items', payload: [{ id: 'big', text: big }] }, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body that is not JSON', async () => {
    await expectError({ method: 'POST', url: '/api/events', payload: 'user=ann', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('query parameters out of range', async () => {
    await expectError({ method: 'GET', url: '/api/recommend/ann?n=0' }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'GET', url: '/api/recommend/ann?n=100000' }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'GET', url: '/api/recommend/ann?n=ten' }, 400, 'VALIDATION_FAILED');
    await expectError({ method: 'GET', url: '/api/recommend/ann?offset=-1' }, 400, 'VALIDATION_FAILED');
  });

  it('unknown routes and records', async () => {
    await expectError({ method: 'GET', url: '/api/nothing-here' }, 404, 'ROUTE_NOT_FOUND');
    await expectError({ method: 'GET', url: '/api/users/nobody' }, 404, 'USER_NOT_FOUND');
    await expectError({ method: 'PATCH', url: '/api/items/nothing', payload: { title: 't' } }, 404, 'ITEM_NOT_FOUND');
  });

  it('nothing rejected reached the store', async () => {
    expect((await engine.status()).counts).toEqual({ users: 0, items: 0, events: 0 });
  });
});
