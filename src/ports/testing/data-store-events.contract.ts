import { expect, it } from 'vitest';
import type { FeedbackEvent } from '../../core/index.js';
import type { DataStore, EventQuery } from '../data-store.js';
import { collectBatches, expectMagpieError, makeEvent, makeItem, makeUser } from './fixtures.js';

const CREATE = { createMissing: true, now: 1_000 };
const STRICT = { createMissing: false, now: 1_000 };

/** Pages a history with (before, beforeId) taken from the last event of each page. */
async function pageThrough(
  read: (q: EventQuery) => Promise<FeedbackEvent[]>,
  limit: number,
): Promise<FeedbackEvent[]> {
  const all: FeedbackEvent[] = [];
  let q: EventQuery = { limit };
  for (;;) {
    const page = await read(q);
    expect(page.length).toBeLessThanOrEqual(limit);
    all.push(...page);
    const last = page[page.length - 1];
    if (last === undefined) return all;
    q = { limit, before: last.timestamp, beforeId: last.id };
    expect(all.length).toBeLessThan(10_000);
  }
}

export function registerEventContract(store: () => DataStore): void {
  it('inserts events and reads them back field for field', async () => {
    const events = [
      makeEvent('e1', 'u1', 'i1', { type: 'rating', value: 4.5, timestamp: 10, context: { surface: 'home', pos: 3 } }),
      makeEvent('e2', 'u1', 'i2', { type: 'view', value: null, timestamp: 20, context: null }),
    ];
    expect(await store().insertEvents(events, CREATE)).toEqual({ inserted: 2 });
    expect(await store().userEvents('u1', { limit: 10 })).toEqual([events[1], events[0]]);
  });

  it('is idempotent by event id, within a batch and across batches; the first copy stays', async () => {
    const first = makeEvent('e1', 'u1', 'i1', { value: 1 });
    expect(await store().insertEvents([first, makeEvent('e1', 'u1', 'i1', { value: 2 })], CREATE)).toEqual({
      inserted: 1,
    });
    expect(await store().insertEvents([first], CREATE)).toEqual({ inserted: 0 });
    const mixed = [makeEvent('e1', 'u1', 'i1', { value: 3 }), makeEvent('e2', 'u1', 'i1', { timestamp: 5 })];
    expect(await store().insertEvents(mixed, CREATE)).toEqual({ inserted: 1 });
    expect(await store().insertEvents([], CREATE)).toEqual({ inserted: 0 });
    expect((await store().counts()).events).toBe(2);
    const stored = await store().itemEvents('i1', { limit: 10 });
    expect(stored.find((e) => e.id === 'e1')).toEqual(first);
  });

  it('createMissing creates bare users and items, and leaves existing ones alone', async () => {
    const known = makeUser('known', { attributes: { vip: true }, createdAt: 5 });
    const knownItem = makeItem('known-item', { createdAt: 6 });
    await store().upsertUsers([known]);
    await store().upsertItems([knownItem]);
    await store().insertEvents(
      [makeEvent('e1', 'known', 'new-item'), makeEvent('e2', 'new-user', 'known-item')],
      { createMissing: true, now: 777 },
    );
    expect(await store().getUser('known')).toEqual(known);
    expect(await store().getItem('known-item')).toEqual(knownItem);
    expect(await store().getUser('new-user')).toEqual({ id: 'new-user', attributes: {}, createdAt: 777 });
    expect(await store().getItem('new-item')).toEqual({
      id: 'new-item',
      kind: 'item',
      title: 'new-item',
      text: '',
      categories: [],
      tags: [],
      numeric: {},
      embedding: null,
      createdAt: 777,
      hidden: false,
    });
    expect(await store().counts()).toEqual({ users: 2, items: 2, events: 2 });
  });

  it('without createMissing, unknown users or items fail the whole batch', async () => {
    await store().upsertUsers([makeUser('u1')]);
    await store().upsertItems([makeItem('i1')]);
    const userError = await expectMagpieError(
      store().insertEvents([makeEvent('ok', 'u1', 'i1'), makeEvent('bad', 'ghost', 'i1')], STRICT),
      'UNKNOWN_USER',
    );
    expect(userError.details).toMatchObject({ users: ['ghost'] });
    const itemError = await expectMagpieError(
      store().insertEvents([makeEvent('ok', 'u1', 'i1'), makeEvent('bad', 'u1', 'phantom')], STRICT),
      'UNKNOWN_ITEM',
    );
    expect(itemError.details).toMatchObject({ items: ['phantom'] });
    // Only events that would be stored are blamed, not ignored repeats of an id.
    const repeatError = await expectMagpieError(
      store().insertEvents(
        [makeEvent('x', 'u1', 'i1'), makeEvent('x', 'not-blamed', 'i1'), makeEvent('y', 'blamed', 'i1')],
        STRICT,
      ),
      'UNKNOWN_USER',
    );
    expect(repeatError.details).toEqual({ users: ['blamed'], items: [] });
    expect(await store().counts()).toEqual({ users: 1, items: 1, events: 0 });
    expect(await store().missingUsers(['ghost'])).toEqual(['ghost']);
    expect(await store().insertEvents([makeEvent('ok', 'u1', 'i1')], STRICT)).toEqual({ inserted: 1 });
  });

  it('an already-stored event id is ignored even if its copy names unknown ids', async () => {
    await store().insertEvents([makeEvent('e1', 'u1', 'i1')], CREATE);
    const copy = makeEvent('e1', 'ghost', 'phantom');
    expect(await store().insertEvents([copy], STRICT)).toEqual({ inserted: 0 });
    expect(await store().counts()).toEqual({ users: 1, items: 1, events: 1 });
    // Within a batch too: only the first copy of an id counts.
    await store().upsertUsers([makeUser('u2')]);
    const batch = [makeEvent('e2', 'u2', 'i1'), makeEvent('e2', 'ghost', 'i1')];
    expect(await store().insertEvents(batch, STRICT)).toEqual({ inserted: 1 });
    // An ignored event has no effect at all: createMissing creates nothing for it.
    expect(await store().insertEvents([copy, makeEvent('e2', 'u3', 'i3')], CREATE)).toEqual({ inserted: 0 });
    expect(await store().missingUsers(['ghost', 'u3'])).toEqual(['ghost', 'u3']);
    expect(await store().missingItems(['phantom', 'i3'])).toEqual(['phantom', 'i3']);
  });

  it('histories are newest first, ties by id descending, limited', async () => {
    await store().insertEvents(
      [
        makeEvent('a', 'u1', 'i1', { timestamp: 100 }),
        makeEvent('c', 'u1', 'i2', { timestamp: 300 }),
        makeEvent('b1', 'u1', 'i1', { timestamp: 200 }),
        makeEvent('b2', 'u1', 'i3', { timestamp: 200 }),
        makeEvent('x', 'u2', 'i1', { timestamp: 250 }),
      ],
      CREATE,
    );
    const ids = (events: FeedbackEvent[]): string[] => events.map((e) => e.id);
    expect(ids(await store().userEvents('u1', { limit: 10 }))).toEqual(['c', 'b2', 'b1', 'a']);
    expect(ids(await store().userEvents('u1', { limit: 2 }))).toEqual(['c', 'b2']);
    expect(ids(await store().itemEvents('i1', { limit: 10 }))).toEqual(['x', 'b1', 'a']);
    expect(await store().userEvents('nobody', { limit: 10 })).toEqual([]);
    expect(await store().itemEvents('nothing', { limit: 10 })).toEqual([]);
  });

  it('before is strict; beforeId also admits lower ids at exactly that time', async () => {
    await store().insertEvents(
      [
        makeEvent('a', 'u1', 'i1', { timestamp: 100 }),
        makeEvent('b1', 'u1', 'i1', { timestamp: 200 }),
        makeEvent('b2', 'u1', 'i1', { timestamp: 200 }),
        makeEvent('b3', 'u1', 'i1', { timestamp: 200 }),
        makeEvent('c', 'u1', 'i1', { timestamp: 300 }),
      ],
      CREATE,
    );
    const userIds = async (q: EventQuery): Promise<string[]> =>
      (await store().userEvents('u1', q)).map((e) => e.id);
    const itemIds = async (q: EventQuery): Promise<string[]> =>
      (await store().itemEvents('i1', q)).map((e) => e.id);
    for (const read of [userIds, itemIds]) {
      expect(await read({ limit: 10, before: 200 })).toEqual(['a']);
      expect(await read({ limit: 10, before: 300 })).toEqual(['b3', 'b2', 'b1', 'a']);
      expect(await read({ limit: 10, before: 200, beforeId: 'b2' })).toEqual(['b1', 'a']);
      expect(await read({ limit: 10, before: 200, beforeId: 'zzz' })).toEqual(['b3', 'b2', 'b1', 'a']);
      expect(await read({ limit: 10, before: 100 })).toEqual([]);
      expect(await read({ limit: 10, beforeId: 'b2' })).toEqual(['c', 'b3', 'b2', 'b1', 'a']);
    }
  });

  it('paging a history with (before, beforeId) visits every event once despite equal timestamps', async () => {
    const events = Array.from({ length: 47 }, (_, i) =>
      makeEvent(`e${String(i).padStart(2, '0')}`, 'u1', `i${i % 3}`, { timestamp: 1_000 + Math.floor(i / 10) }),
    );
    await store().insertEvents(events, CREATE);
    const expected = [...events].sort((x, y) => y.timestamp - x.timestamp || (y.id < x.id ? -1 : 1));
    for (const limit of [1, 3, 10, 47, 50]) {
      expect(await pageThrough((q) => store().userEvents('u1', q), limit)).toEqual(expected);
    }
    const onI0 = expected.filter((e) => e.item === 'i0');
    expect(await pageThrough((q) => store().itemEvents('i0', q), 4)).toEqual(onI0);
  });

  it('histories refuse limits that are not positive integers', async () => {
    await expectMagpieError(store().userEvents('u1', { limit: 0 }), 'VALIDATION_FAILED');
    await expectMagpieError(store().itemEvents('i1', { limit: -3 }), 'VALIDATION_FAILED');
  });

  it('scanEvents yields every event exactly once in batches of at most the size', async () => {
    const events = Array.from({ length: 103 }, (_, i) =>
      makeEvent(`ev-${i}`, `u${i % 7}`, `i${i % 11}`, { timestamp: i, value: i % 2 === 0 ? i : null }),
    );
    await store().insertEvents(events, CREATE);
    const batches = await collectBatches(store().scanEvents(10));
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(10);
    }
    const byId = (a: FeedbackEvent, b: FeedbackEvent): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    expect(batches.flat().sort(byId)).toEqual([...events].sort(byId));
  });

  it('scanEvents of an empty store yields nothing; a bad batch size is refused', async () => {
    expect(await collectBatches(store().scanEvents(5))).toEqual([]);
    await expectMagpieError(collectBatches(store().scanEvents(-1)), 'VALIDATION_FAILED');
  });

  it('scanEvents skips events deleted mid-scan and never repeats one', async () => {
    const events = Array.from({ length: 30 }, (_, i) => makeEvent(`ev-${i}`, i < 15 ? 'ua' : 'ub', 'i1'));
    await store().insertEvents(events, CREATE);
    const seen: string[] = [];
    let kept: string | undefined;
    for await (const batch of store().scanEvents(4)) {
      seen.push(...batch.map((e) => e.id));
      if (kept === undefined) {
        kept = batch[0]?.user === 'ua' ? 'ua' : 'ub';
        await store().deleteUser(kept === 'ua' ? 'ub' : 'ua');
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Every event that existed throughout the scan was seen.
    const keptIds = events.filter((e) => e.user === kept).map((e) => e.id);
    expect(seen).toEqual(expect.arrayContaining(keptIds));
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.length).toBeLessThanOrEqual(19);
  });

  it('counts users, items and events', async () => {
    expect(await store().counts()).toEqual({ users: 0, items: 0, events: 0 });
    await store().upsertUsers([makeUser('u1'), makeUser('u2'), makeUser('u3')]);
    await store().upsertItems([makeItem('i1'), makeItem('i2')]);
    await store().insertEvents([makeEvent('e1', 'u1', 'i1'), makeEvent('e2', 'u2', 'i2')], STRICT);
    expect(await store().counts()).toEqual({ users: 3, items: 2, events: 2 });
  });

  it('counts events per time bucket in [from, to), oldest first, leaving empty buckets out', async () => {
    const at = [0, 59_999, 60_000, 125_000, 125_001, 200_000, 300_000];
    await store().insertEvents(at.map((t, k) => makeEvent(`e${k}`, 'u1', 'i1', { timestamp: t })), CREATE);
    expect(await store().eventCounts({ from: 0, to: 300_000, bucketMs: 60_000 })).toEqual([
      { start: 0, events: 2 },
      { start: 60_000, events: 1 },
      { start: 120_000, events: 2 },
      { start: 180_000, events: 1 },
    ]);
    expect(await store().eventCounts({ from: 60_000, to: 130_000, bucketMs: 3_600_000 })).toEqual([{ start: 0, events: 3 }]);
    expect(await store().eventCounts({ from: 400_000, to: 500_000, bucketMs: 60_000 })).toEqual([]);
    await expectMagpieError(store().eventCounts({ from: 0, to: 1, bucketMs: 0 }), 'VALIDATION_FAILED');
  });
}
