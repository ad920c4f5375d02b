import { describe, expect, it } from 'vitest';
import { IdIndex } from '../core/index.js';
import { row } from '../math/index.js';
import { trainingDataFromLists } from './training-data.js';

describe('trainingDataFromLists', () => {
  it('builds a binary matrix, clamping duplicate pairs to 1', () => {
    const data = trainingDataFromLists([
      ['u1', ['b', 'a', 'b', 'b']],
      ['u2', ['a']],
      ['u3', []],
    ]);
    expect(data.users.toArray()).toEqual(['u1', 'u2', 'u3']);
    expect(data.items.toArray()).toEqual(['b', 'a']);
    const m = data.interactions;
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(2);
    expect(Array.from(m.indptr)).toEqual([0, 2, 3, 3]);
    expect(Array.from(m.indices)).toEqual([0, 1, 1]);
    expect(Array.from(m.values)).toEqual([1, 1, 1]);
    expect(data.lastSeen).toBeNull();
    expect(data.now).toBe(0);
  });

  it('uses given indexes (items with no interactions keep their columns) and now', () => {
    const items = IdIndex.from(['x', 'y', 'z']);
    const users = IdIndex.from(['first']);
    const data = trainingDataFromLists([['second', ['z', 'w']]], { items, users, now: 1234 });
    expect(data.items).toBe(items);
    expect(items.toArray()).toEqual(['x', 'y', 'z', 'w']);
    expect(data.interactions.rows).toBe(2);
    expect(data.interactions.cols).toBe(4);
    expect(row(data.interactions, 0).indices.length).toBe(0);
    expect(Array.from(row(data.interactions, 1).indices)).toEqual([2, 3]);
    expect(data.now).toBe(1234);
  });

  it('merges a user listed twice into one row', () => {
    const data = trainingDataFromLists([
      ['u', ['a']],
      ['u', ['a', 'b']],
    ]);
    expect(data.interactions.rows).toBe(1);
    expect(Array.from(data.interactions.values)).toEqual([1, 1]);
  });
});
