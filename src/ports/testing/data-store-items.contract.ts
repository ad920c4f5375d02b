import { expect, it } from 'vitest';
import type { Item } from '../../core/index.js';
import type { DataStore } from '../data-store.js';
import { AWKWARD_IDS, byCodePoint, collectBatches, expectMagpieError, makeEvent, makeItem } from './fixtures.js';

export function registerItemContract(store: () => DataStore): void {
  it('upserts and reads back items with every field', async () => {
    const item = makeItem('i1', {
      kind: 'product',
      categories: ['shoes', 'sale'],
      tags: ['red', 'leather'],
      numeric: { price: 49.5, stock: 0 },
      embedding: [0.5, -1.25, 3, 0],
      hidden: true,
      createdAt: 123,
    });
    await store().upsertItems([item, makeItem('i2')]);
    expect(await store().getItem('i1')).toEqual(item);
    expect(await store().getItem('i2')).toEqual(makeItem('i2'));
    expect(await store().getItem('nothing')).toBeNull();
  });

  it('stores embeddings as float32', async () => {
    const embedding = [0.1, 1 / 3, -2.718281828, 1e-8];
    await store().upsertItems([makeItem('i1', { embedding })]);
    expect((await store().getItem('i1'))?.embedding).toEqual(Array.from(Float32Array.from(embedding)));
    await store().patchItem('i1', { embedding: [0.2] });
    expect((await store().getItem('i1'))?.embedding).toEqual([Math.fround(0.2)]);
  });

  it('upsert replaces the whole record, createdAt included', async () => {
    await store().upsertItems([makeItem('i1', { tags: ['a'], numeric: { x: 1 }, embedding: [1], createdAt: 5 })]);
    const replacement = makeItem('i1', { tags: [], numeric: { y: 2 }, embedding: null, createdAt: 9, title: 'New' });
    await store().upsertItems([replacement]);
    expect(await store().getItem('i1')).toEqual(replacement);
  });

  it('getItems returns stored items in the order asked, skipping unknown and repeated ids', async () => {
    await store().upsertItems(['a', 'b', 'c'].map((id) => makeItem(id)));
    const found = await store().getItems(['c', 'zz', 'a', 'c', 'b']);
    expect(found.map((i) => i.id)).toEqual(['c', 'a', 'b']);
    expect(found[0]).toEqual(makeItem('c'));
    expect(await store().getItems([])).toEqual([]);
  });

  it('lists items in code point order and pages through each exactly once', async () => {
    await store().upsertItems(AWKWARD_IDS.map((id) => makeItem(id)));
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<DataStore['listItems']>> = await store().listItems({ limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.next;
    } while (cursor !== null);
    expect(seen.map((i) => i.id)).toEqual([...AWKWARD_IDS].sort(byCodePoint));
    expect(seen[0]).toEqual(makeItem(seen[0]?.id ?? ''));
  });

  it('refuses foreign cursors and bad limits on items', async () => {
    await store().upsertItems([makeItem('a'), makeItem('b')]);
    await expectMagpieError(store().listItems({ limit: 1, cursor: 'bogus' }), 'INVALID_CURSOR');
    await expectMagpieError(store().listItems({ limit: 0 }), 'VALIDATION_FAILED');
  });

  it('patch replaces named fields, merges numeric with null deleting, keeps the rest', async () => {
    await store().upsertItems([
      makeItem('i1', { categories: ['a', 'b'], numeric: { price: 10, year: 2000 }, embedding: [1, 2], createdAt: 7 }),
    ]);
    const patched = await store().patchItem('i1', {
      title: 'Renamed',
      categories: ['c'],
      numeric: { price: 12, year: null, rating: 4.5 },
      embedding: null,
      hidden: true,
    });
    const expected = makeItem('i1', {
      title: 'Renamed',
      categories: ['c'],
      numeric: { price: 12, rating: 4.5 },
      embedding: null,
      hidden: true,
      createdAt: 7,
    });
    expect(patched).toEqual(expected);
    expect(await store().getItem('i1')).toEqual(expected);
    expect(await store().patchItem('i1', {})).toEqual(expected);
    expect(await store().patchItem('ghost', { title: 'x' })).toBeNull();
    expect(await store().getItem('ghost')).toBeNull();
  });

  it('deleting an item removes its events and nothing else', async () => {
    await store().insertEvents(
      [
        makeEvent('e1', 'u1', 'i1', { timestamp: 1 }),
        makeEvent('e2', 'u1', 'i2', { timestamp: 2 }),
        makeEvent('e3', 'u2', 'i1', { timestamp: 3 }),
      ],
      { createMissing: true, now: 0 },
    );
    expect(await store().deleteItem('i1')).toBe(true);
    expect(await store().getItem('i1')).toBeNull();
    expect(await store().itemEvents('i1', { limit: 10 })).toEqual([]);
    expect((await store().userEvents('u1', { limit: 10 })).map((e) => e.id)).toEqual(['e2']);
    expect(await store().userEvents('u2', { limit: 10 })).toEqual([]);
    expect(await store().counts()).toEqual({ users: 2, items: 1, events: 1 });
    expect(await store().deleteItem('i1')).toBe(false);
    expect(await store().latestItems({ limit: 10, category: 'drama' })).toEqual([]);
  });

  it('missingItems returns the unknown ids, distinct, in the order given', async () => {
    await store().upsertItems([makeItem('i2')]);
    expect(await store().missingItems(['i3', 'i2', 'i1', 'i3'])).toEqual(['i3', 'i1']);
    expect(await store().missingItems([])).toEqual([]);
  });

  it('latestItems: visible items, newest first, ties by id ascending, up to the limit', async () => {
    await store().upsertItems([
      makeItem('old', { createdAt: 100 }),
      makeItem('tie-b', { createdAt: 300 }),
      makeItem('tie-a', { createdAt: 300 }),
      makeItem('newest', { createdAt: 400 }),
      makeItem('hidden', { createdAt: 500, hidden: true }),
      makeItem('mid', { createdAt: 200 }),
    ]);
    const ids = async (limit: number): Promise<string[]> =>
      (await store().latestItems({ limit })).map((i) => i.id);
    expect(await ids(10)).toEqual(['newest', 'tie-a', 'tie-b', 'mid', 'old']);
    expect(await ids(2)).toEqual(['newest', 'tie-a']);
    expect((await store().latestItems({ limit: 1 }))[0]).toEqual(makeItem('newest', { createdAt: 400 }));
    await expectMagpieError(store().latestItems({ limit: 0 }), 'VALIDATION_FAILED');
  });

  it('latestItems by category follows upserts, patches (category, createdAt, hidden) and deletes', async () => {
    await store().upsertItems([
      makeItem('a', { categories: ['news', 'sport'], createdAt: 1 }),
      makeItem('b', { categories: ['sport'], createdAt: 2 }),
      makeItem('c', { categories: ['news'], createdAt: 3 }),
      makeItem('d', { categories: ['news'], createdAt: 4, hidden: true }),
    ]);
    const inCategory = async (category: string): Promise<string[]> =>
      (await store().latestItems({ limit: 10, category })).map((i) => i.id);
    expect(await inCategory('news')).toEqual(['c', 'a']);
    expect(await inCategory('sport')).toEqual(['b', 'a']);
    expect(await inCategory('none')).toEqual([]);

    await store().patchItem('a', { createdAt: 10 });
    await store().patchItem('d', { hidden: false });
    await store().patchItem('b', { categories: ['news'] });
    expect(await inCategory('news')).toEqual(['a', 'd', 'c', 'b']);
    expect(await inCategory('sport')).toEqual(['a']);

    await store().upsertItems([makeItem('a', { categories: ['weather'], createdAt: 10 })]);
    await store().deleteItem('c');
    expect(await inCategory('news')).toEqual(['d', 'b']);
    expect(await inCategory('weather')).toEqual(['a']);
    expect((await store().latestItems({ limit: 1, category: 'news' })).map((i) => i.id)).toEqual(['d']);
  });

  it('scanItems yields every item once, hidden ones too, in batches of at most the size', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `item-${i}`);
    await store().upsertItems(ids.map((id, i) => makeItem(id, { hidden: i % 5 === 0 })));
    const batches = await collectBatches(store().scanItems(7));
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(7);
    }
    const seen = batches.flat();
    expect(seen.map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(seen.find((i) => i.id === 'item-3')).toEqual(makeItem('item-3'));
  });

  it('scanItems of an empty store yields nothing; a bad batch size is refused', async () => {
    expect(await collectBatches(store().scanItems(10))).toEqual([]);
    await expectMagpieError(collectBatches(store().scanItems(0)), 'VALIDATION_FAILED');
  });

  it('scanItems tolerates writes between batches without repeating an item', async () => {
    await store().upsertItems(['b', 'd', 'f'].map((id) => makeItem(id)));
    const seen: string[] = [];
    for await (const batch of store().scanItems(1)) {
      seen.push(...batch.map((i) => i.id));
      if (seen.length === 1) await store().upsertItems([makeItem('a'), makeItem('e'), makeItem('b')]);
    }
    // Whether items written mid-scan are seen is up to the backend; repeats never are.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['b', 'd', 'f']));
  });
}
