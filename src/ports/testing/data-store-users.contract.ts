import { expect, it } from 'vitest';
import type { User } from '../../core/index.js';
import type { DataStore } from '../data-store.js';
import { AWKWARD_IDS, byCodePoint, expectMagpieError, makeEvent, makeItem, makeUser } from './fixtures.js';

/** Pages through listUsers and returns every page's ids. */
async function allUserPages(store: DataStore, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<DataStore['listUsers']>> = await store.listUsers({ limit, cursor });
    pages.push(page.items.map((u) => u.id));
    cursor = page.next;
    expect(pages.length).toBeLessThan(1000);
  } while (cursor !== null);
  return pages;
}

export function registerUserContract(store: () => DataStore): void {
  it('upserts and reads back users; unknown ids read as null', async () => {
    const user = makeUser('u1', { attributes: { plan: 'pro', age: 31, tags: ['a'], nested: { x: null } } });
    await store().upsertUsers([user, makeUser('u2')]);
    expect(await store().getUser('u1')).toEqual(user);
    expect(await store().getUser('u2')).toEqual(makeUser('u2'));
    expect(await store().getUser('nobody')).toBeNull();
  });

  it('upsert replaces the whole record, createdAt included', async () => {
    await store().upsertUsers([makeUser('u1', { attributes: { a: 1, b: 2 }, createdAt: 10 })]);
    await store().upsertUsers([makeUser('u1', { attributes: { c: 3 }, createdAt: 20 })]);
    expect(await store().getUser('u1')).toEqual({ id: 'u1', attributes: { c: 3 }, createdAt: 20 });
  });

  it('a later duplicate within one upsert batch wins; empty batches are fine', async () => {
    await store().upsertUsers([makeUser('u1', { createdAt: 1 }), makeUser('u1', { createdAt: 2 })]);
    await store().upsertUsers([]);
    expect((await store().getUser('u1'))?.createdAt).toBe(2);
    expect((await store().counts()).users).toBe(1);
  });

  it('stored users do not share objects with the caller', async () => {
    const user = makeUser('u1', { attributes: { list: [1, 2] } });
    await store().upsertUsers([user]);
    (user.attributes['list'] as number[]).push(3);
    const read = (await store().getUser('u1')) as User;
    expect(read.attributes['list']).toEqual([1, 2]);
    read.attributes['list'] = 'changed';
    expect((await store().getUser('u1'))?.attributes['list']).toEqual([1, 2]);
  });

  it('lists users in code point order of id', async () => {
    await store().upsertUsers(AWKWARD_IDS.map((id) => makeUser(id)));
    const page = await store().listUsers({ limit: 100 });
    expect(page.items.map((u) => u.id)).toEqual([...AWKWARD_IDS].sort(byCodePoint));
    expect(page.next).toBeNull();
  });

  it('cursor paging visits every user exactly once, for several page sizes', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
    await store().upsertUsers(ids.map((id) => makeUser(id)));
    for (const limit of [1, 4, 5, 22, 23, 24, 100]) {
      const pages = await allUserPages(store(), limit);
      expect(pages.flat()).toEqual(ids);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
      // next is null exactly when nothing follows, so no trailing empty page.
      expect(pages.length).toBe(Math.ceil(ids.length / limit));
    }
  });

  it('an empty store lists one empty page', async () => {
    expect(await store().listUsers({ limit: 10 })).toEqual({ items: [], next: null });
  });

  it('paging tolerates writes between pages: users present throughout are seen once', async () => {
    await store().upsertUsers(['b', 'd', 'f', 'h', 'j'].map((id) => makeUser(id)));
    const first = await store().listUsers({ limit: 2 });
    expect(first.items.map((u) => u.id)).toEqual(['b', 'd']);
    // Before the cursor: 'a' and 'c' are not visited; after it: 'g' is; 'h' goes away.
    await store().upsertUsers(['a', 'c', 'g'].map((id) => makeUser(id)));
    await store().deleteUser('h');
    const rest: string[] = [];
    let cursor = first.next;
    while (cursor !== null) {
      const page = await store().listUsers({ limit: 2, cursor });
      rest.push(...page.items.map((u) => u.id));
      cursor = page.next;
    }
    expect(rest).toEqual(['f', 'g', 'j']);
  });

  it('refuses cursors it did not issue with INVALID_CURSOR', async () => {
    await store().upsertUsers(['a', 'b', 'c'].map((id) => makeUser(id)));
    await store().upsertItems(['a', 'b', 'c'].map((id) => makeItem(id)));
    const itemCursor = (await store().listItems({ limit: 1 })).next as string;
    expect(itemCursor).toEqual(expect.any(String));
    for (const bad of ['', 'not a cursor', '!!!!', 'eyJ', itemCursor, `${itemCursor}=`]) {
      await expectMagpieError(store().listUsers({ limit: 1, cursor: bad }), 'INVALID_CURSOR');
    }
  });

  it('refuses limits that are not positive integers', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expectMagpieError(store().listUsers({ limit }), 'VALIDATION_FAILED');
    }
  });

  it('patch merges attributes shallowly, null deletes a key, createdAt is kept', async () => {
    await store().upsertUsers([
      makeUser('u1', { attributes: { plan: 'free', country: 'NZ', prefs: { a: 1, b: 2 } }, createdAt: 42 }),
    ]);
    const patched = await store().patchUser('u1', { attributes: { plan: 'pro', country: null, prefs: { c: 3 } } });
    const expected = { id: 'u1', attributes: { plan: 'pro', prefs: { c: 3 } }, createdAt: 42 };
    expect(patched).toEqual(expected);
    expect(await store().getUser('u1')).toEqual(expected);
    expect(await store().patchUser('u1', {})).toEqual(expected);
    expect(await store().patchUser('u1', { attributes: { missing: null } })).toEqual(expected);
  });

  it('patching an unknown user returns null and creates nothing', async () => {
    expect(await store().patchUser('ghost', { attributes: { a: 1 } })).toBeNull();
    expect(await store().getUser('ghost')).toBeNull();
  });

  it('deleting a user removes their events and nobody else’s', async () => {
    await store().upsertUsers([makeUser('u1'), makeUser('u2')]);
    await store().upsertItems([makeItem('i1'), makeItem('i2')]);
    await store().insertEvents(
      [
        makeEvent('e1', 'u1', 'i1', { timestamp: 1 }),
        makeEvent('e2', 'u1', 'i2', { timestamp: 2 }),
        makeEvent('e3', 'u2', 'i1', { timestamp: 3 }),
      ],
      { createMissing: false, now: 0 },
    );
    expect(await store().deleteUser('u1')).toBe(true);
    expect(await store().getUser('u1')).toBeNull();
    expect(await store().userEvents('u1', { limit: 10 })).toEqual([]);
    expect((await store().itemEvents('i1', { limit: 10 })).map((e) => e.id)).toEqual(['e3']);
    expect(await store().itemEvents('i2', { limit: 10 })).toEqual([]);
    expect(await store().counts()).toEqual({ users: 1, items: 2, events: 1 });
    expect(await store().deleteUser('u1')).toBe(false);
  });

  it('an event id is new again once its user was deleted', async () => {
    const event = makeEvent('e1', 'u1', 'i1');
    await store().insertEvents([event], { createMissing: true, now: 5 });
    await store().deleteUser('u1');
    expect(await store().insertEvents([event], { createMissing: true, now: 6 })).toEqual({ inserted: 1 });
  });

  it('missingUsers returns the unknown ids, distinct, in the order given', async () => {
    await store().upsertUsers([makeUser('u1'), makeUser('u3')]);
    expect(await store().missingUsers(['u4', 'u1', 'u2', 'u4', 'u3'])).toEqual(['u4', 'u2']);
    expect(await store().missingUsers([])).toEqual([]);
  });
}
