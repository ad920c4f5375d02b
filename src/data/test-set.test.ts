import { describe, expect, it } from 'vitest';
import { sampleTestSet, testSetFromRows } from './test-set.js';

describe('sampleTestSet', () => {
  const rows = new Map<number, number[]>(Array.from({ length: 50 }, (_, u) => [u, u % 5 === 0 ? [] : [u, u + 1]]));
  const test = testSetFromRows(rows, true); // 50 users, 10 of them without items

  it('draws n users with items, seeded, in user order, each with its own items', () => {
    const a = sampleTestSet(test, 12, 7);
    expect(a.users).toHaveLength(12);
    expect(sampleTestSet(test, 12, 7)).toEqual(a);
    expect(sampleTestSet(test, 12, 8).users).not.toEqual(a.users);
    expect([...a.users]).toEqual([...a.users].sort((x, y) => x - y));
    a.users.forEach((u, j) => {
      expect(u % 5).not.toBe(0);
      expect([...a.items[j]!]).toEqual([u, u + 1]);
    });
  });

  it('keeps every user with items when n is at least their number', () => {
    const all = sampleTestSet(test, 1000, 1);
    expect(all.users).toHaveLength(40);
    expect(all.items.every((items) => items.length === 2)).toBe(true);
  });
});
