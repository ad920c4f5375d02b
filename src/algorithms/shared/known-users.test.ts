import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../core/index.js';
import { csrFromTriples } from '../../math/index.js';
import { historyFingerprint, KnownUsers } from './known-users.js';

const print = (items: number[], weights: number[]): number[] => {
  const out = new Uint32Array(2);
  historyFingerprint(items, Float32Array.from(weights), 0, items.length, out, 0);
  return [...out];
};

describe('historyFingerprint', () => {
  it('ignores the order of the pairs but not an item, a weight or a repeat', () => {
    const base = print([3, 7, 11], [1, 2, 0.5]);
    expect(print([11, 3, 7], [0.5, 1, 2])).toEqual(base);
    expect(print([3, 7, 12], [1, 2, 0.5])).not.toEqual(base);
    expect(print([3, 7, 11], [1, 2, 0.75])).not.toEqual(base);
    expect(print([3, 7], [1, 2])).not.toEqual(base);
    expect(print([3, 7, 11, 11], [1, 2, 0.5, 0.5])).not.toEqual(base);
    expect(print([7, 3, 11], [1, 2, 0.5])).not.toEqual(base); // weights swapped between items
  });
});

describe('KnownUsers', () => {
  const users = IdIndex.from(['ann', 'bob']);
  const rows = csrFromTriples(2, 20, [0, 0, 1], [4, 9, 4], [1, 3, 2]);
  const known = KnownUsers.fromRows(users, rows);

  it("finds a user's row only while their history is exactly the training row", () => {
    expect(known.rowOf('ann', Int32Array.of(9, 4), Float32Array.of(3, 1))).toBe(0);
    expect(known.rowOf('bob', Int32Array.of(4), Float32Array.of(2))).toBe(1);
    expect(known.rowOf('ann', Int32Array.of(9, 4, 5), Float32Array.of(3, 1, 1))).toBe(-1); // a new like
    expect(known.rowOf('bob', Int32Array.of(4), Float32Array.of(3))).toBe(-1); // a stronger signal
    expect(known.rowOf('ann', Int32Array.of(9), Float32Array.of(3))).toBe(-1); // a like withdrawn
    expect(known.rowOf('carl', Int32Array.of(4), Float32Array.of(2))).toBe(-1); // not trained on
  });

  it('round-trips through bundle arrays; a bundle without them has none', () => {
    const back = KnownUsers.fromArrays(known.toArrays())!;
    expect(back.ids.toArray()).toEqual(['ann', 'bob']);
    expect([...back.prints]).toEqual([...known.prints]);
    expect(KnownUsers.fromArrays({})).toBeNull();
  });
});
