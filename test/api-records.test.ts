import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../src/index.js';
import { memoryEngine } from './helpers/engine.js';

let engine: Engine;
let app: FastifyInstance;
beforeEach(async () => ({ engine, app } = await memoryEngine()));
afterEach(async () => engine.close());

describe('users', () => {
  it('upserts a batch or a single user, and reads them back with ISO timestamps', async () => {
    const batch = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: [
        { id: 'ann', attributes: { country: 'FR' }, createdAt: '2026-01-02T03:04:05.000Z' },
        { id: 'ben', createdAt: 1_700_000_000_000 },
      ],
    });
    expect(batch.json()).toEqual({ upserted: 2 });
    expect((await app.inject({ method: 'POST', url: '/api/users', payload: { id: 'cid' } })).json()).toEqual({ upserted: 1 });
    const ann = await app.inject({ method: 'GET', url: '/api/users/ann' });
    expect(ann.json()).toEqual({ id: 'ann', attributes: { country: 'FR' }, createdAt: '2026-01-02T03:04:05.000Z' });
    expect((await app.inject({ method: 'GET', url: '/api/users/ben' })).json().createdAt).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it('patches attributes by merging, a null deleting the key', async () => {
    await app.inject({ method: 'POST', url: '/api/users', payload: { id: 'ann', attributes: { a: 1, b: 2 } } });
    const res = await app.inject({ method: 'PATCH', url: '/api/users/ann', payload: { attributes: { b: null, c: 'x' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json().attributes).toEqual({ a: 1, c: 'x' });
  });

  it('deletes a user together with their feedback', async () => {
    await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'ann', item: 'i1', type: 'like' }] });
    await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'ben', item: 'i1', type: 'like' }] });
    expect((await engine.status()).counts.events).toBe(2);
    expect((await app.inject({ method: 'DELETE', url: '/api/users/ann' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/users/ann' })).json().error.code).toBe('USER_NOT_FOUND');
    expect((await engine.status()).counts.events).toBe(1);
    expect((await app.inject({ method: 'DELETE', url: '/api/users/ann' })).statusCode).toBe(404);
  });

  it('lists every user exactly once through the cursor', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await app.inject({ method: 'POST', url: '/api/users', payload: ids.map((id) => ({ id })) });
    const seen: string[] = [];
    let url = '/api/users?limit=10';
    for (let page = 0; page < 10; page++) {
      const body = (await app.inject({ method: 'GET', url })).json();
      seen.push(...body.items.map((u: { id: string }) => u.id));
      if (body.next === null) break;
      url = `/api/users?limit=10&cursor=${encodeURIComponent(body.next)}`;
    }
    expect(seen).toEqual(ids);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/users?cursor=not-a-cursor!!' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_CURSOR');
  });

  it("returns a user's events newest first", async () => {
    await app.inject({
      method: 'POST',
      url: '/api/events',
      payload: [
        { user: 'ann', item: 'a', type: 'like', timestamp: '2026-01-01T00:00:00Z' },
        { user: 'ann', item: 'b', type: 'view', timestamp: '2026-01-03T00:00:00Z' },
        { user: 'ann', item: 'c', type: 'click', timestamp: '2026-01-02T00:00:00Z' },
      ],
    });
    const body = (await app.inject({ method: 'GET', url: '/api/users/ann/events' })).json();
    expect(body.items.map((e: { item: string }) => e.item)).toEqual(['b', 'c', 'a']);
    expect(body.items[0].timestamp).toBe('2026-01-03T00:00:00.000Z');
  });
});

describe('items', () => {
  it('fills defaults, patches fields and merges numeric attributes', async () => {
    await app.inject({ method: 'POST', url: '/api/items', payload: { id: 'm1', numeric: { year: 1999, price: 3 } } });
    const m1 = (await app.inject({ method: 'GET', url: '/api/items/m1' })).json();
    expect(m1).toMatchObject({ id: 'm1', kind: 'item', title: 'm1', text: '', categories: [], tags: [], embedding: null, hidden: false });
    const patched = await app.inject({
      method: 'PATCH',
      url: '/api/items/m1',
      payload: { title: 'The Matrix', categories: ['sci-fi'], numeric: { price: null, runtime: 136 } },
    });
    expect(patched.json()).toMatchObject({ title: 'The Matrix', categories: ['sci-fi'], numeric: { year: 1999, runtime: 136 } });
  });

  it('deletes an item with the feedback on it', async () => {
    await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'ann', item: 'm1', type: 'like' }, { user: 'ann', item: 'm2', type: 'like' }] });
    expect((await app.inject({ method: 'DELETE', url: '/api/items/m1' })).statusCode).toBe(204);
    const events = (await app.inject({ method: 'GET', url: '/api/users/ann/events' })).json();
    expect(events.items.map((e: { item: string }) => e.item)).toEqual(['m2']);
  });

  it('answers 404 with a code for an unknown item, also for similar items', async () => {
    for (const url of ['/api/items/nope', '/api/items/nope/similar']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('ITEM_NOT_FOUND');
    }
  });
});

describe('feedback', () => {
  it('accepts a batch, creates unknown users and items on the fly, and is idempotent by id', async () => {
    const batch = [
      { id: 'e1', user: 'ann', item: 'm1', type: 'like', value: null, context: { surface: 'home' } },
      { id: 'e2', user: 'ann', item: 'm2', type: 'rating', value: 4.5, timestamp: '2026-02-01T10:00:00+02:00' },
    ];
    const first = await app.inject({ method: 'POST', url: '/api/events', payload: batch });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 2 });
    await app.inject({ method: 'POST', url: '/api/events', payload: batch });
    const status = await engine.status();
    expect(status.counts).toEqual({ users: 1, items: 2, events: 2 });
    const events = (await app.inject({ method: 'GET', url: '/api/users/ann/events' })).json().items;
    expect(events.find((e: { id: string }) => e.id === 'e2').timestamp).toBe('2026-02-01T08:00:00.000Z');
    expect(events.find((e: { id: string }) => e.id === 'e1').context).toEqual({ surface: 'home' });
  });

  it('refuses events for unknown users when on-the-fly creation is off', async () => {
    await engine.close();
    ({ engine, app } = await memoryEngine({ feedback: { createMissingUsers: false } }));
    const res = await app.inject({ method: 'POST', url: '/api/events', payload: [{ user: 'ghost', item: 'm1', type: 'like' }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'UNKNOWN_USER', details: { ids: ['ghost'] } });
    expect((await engine.status()).counts.events).toBe(0);
  });
});
