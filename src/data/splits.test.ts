import { describe, expect, it } from 'vitest';
import { MagpieError, type FeedbackEvent, type FeedbackTypes } from '../core/index.js';
import { row } from '../math/index.js';
import { holdoutSplit, timeSplit } from './splits.js';
import type { Split } from './test-set.js';

const types: FeedbackTypes = {
  like: { role: 'positive', weight: 1 },
  view: { role: 'seen', weight: 0 },
  dislike: { role: 'negative', weight: 0 },
  rating: { role: 'positive', weight: 1, minValue: 4 },
};

let seq = 0;
function ev(timestamp: number, user: string, type: string, item: string, value: number | null = null): FeedbackEvent {
  return { id: `e${seq++}`, user, item, type, value, timestamp, context: null };
}

/** A split's content as ids, to compare with hand-written expectations. */
function asIds({ train, test }: Split): { train: Record<string, string[]>; test: Record<string, string[]> } {
  const ids = (items: ArrayLike<number>): string[] => Array.from(items, (i) => train.items.idAt(i)).sort();
  const trainRows: Record<string, string[]> = {};
  for (let u = 0; u < train.users.size; u++) trainRows[train.users.idAt(u)] = ids(row(train.interactions, u).indices);
  const testRows: Record<string, string[]> = {};
  test.users.forEach((u, j) => (testRows[train.users.idAt(u)] = ids(test.items[j]!)));
  return { train: trainRows, test: testRows };
}

describe('timeSplit', () => {
  // 14 typed events (plus one of an unconfigured type); testFraction 0.5 puts the cutoff at the
  // 8th smallest time, t = 8.
  const events = [
    ev(0, 'u1', 'share', 'Z'), // unconfigured: ignored everywhere, even in the quantile
    ev(1, 'u1', 'like', 'A'),
    ev(2, 'u1', 'like', 'B'),
    ev(3, 'u2', 'like', 'A'),
    ev(4, 'u2', 'view', 'C'), // seen: no training strength, but C joins the catalogue
    ev(5, 'u3', 'dislike', 'A'), // u3's only training signal is negative
    ev(6, 'u2', 'like', 'B'),
    ev(7, 'u4', 'view', 'A'),
    ev(8, 'u1', 'like', 'D'), // at the cutoff: test; D is new after the cutoff
    ev(9, 'u2', 'like', 'A'), // already in u2's training row: not a test item
    ev(9, 'u1', 'like', 'E'),
    ev(10, 'u1', 'dislike', 'E'), // the like of E was taken back
    ev(9, 'u2', 'rating', 'C', 5), // a rating ≥ 4 is positive
    ev(10, 'u2', 'rating', 'F', 2), // below minValue: negative, so F is no test item (but is in the catalogue)
    ev(10, 'u3', 'like', 'B'), // u3 has no training interactions
    ev(10, 'u5', 'like', 'A'), // u5 is unknown before the cutoff
  ];

  it('trains on the past and tests positives of known users in the future', () => {
    const split = timeSplit(events, { testFraction: 0.5, types });
    expect(split.cutoff).toBe(8);
    expect(split.train.now).toBe(8);
    expect(split.train.items.toArray()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']); // training items first
    expect(asIds(split)).toEqual({
      train: { u1: ['A', 'B'], u2: ['A', 'B'], u3: [] },
      test: { u1: ['D'], u2: ['C'] },
    });
    expect(Array.from(split.test.users)).toEqual([0, 1]);
  });

  it('does not depend on the order of the events', () => {
    const a = asIds(timeSplit(events, { testFraction: 0.5, types }));
    const b = asIds(timeSplit([...events].reverse(), { testFraction: 0.5, types }));
    expect(b).toEqual(a);
  });

  it('refuses a fraction outside (0, 1) and events of no configured type', () => {
    for (const testFraction of [0, 1, -0.1, Number.NaN]) {
      expect(() => timeSplit(events, { testFraction, types })).toThrow(MagpieError);
    }
    expect(() => timeSplit([ev(1, 'u', 'share', 'i')], { testFraction: 0.2, types })).toThrow(/no event/);
  });
});

describe('holdoutSplit', () => {
  const items = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const lists: [string, string[]][] = [
    ['u1', items('a', 10)],
    ['u2', ['b0']],
    ['u3', ['c0', 'c1', 'c0', 'c2', 'c3']], // 4 distinct items
    ['u4', ['d0', 'd1']],
  ];

  it('holds out round(fraction × n) distinct items per user, keeping one for training', () => {
    const split = asIds(holdoutSplit(lists, { fraction: 0.2, seed: 7 }));
    expect(split.test.u1).toHaveLength(2);
    expect(split.train.u1).toHaveLength(8);
    expect(split.test.u2).toBeUndefined(); // round(0.2) = 0
    expect(split.test.u3).toHaveLength(1); // round(0.8) = 1
    expect(split.test.u4).toBeUndefined(); // round(0.4) = 0
    for (const [user, list] of lists) {
      const train = split.train[user]!;
      const test = split.test[user] ?? [];
      expect([...train, ...test].sort()).toEqual([...new Set(list)].sort());
      expect(train.filter((i) => test.includes(i))).toEqual([]);
    }
    // One item, most of it held out: still trained on.
    expect(asIds(holdoutSplit([['u', ['x']]], { fraction: 0.9, seed: 1 })).train.u).toEqual(['x']);
  });

  it('is reproducible, depends on the seed, and keeps a user\'s carve-out when others change', () => {
    const once = asIds(holdoutSplit(lists, { fraction: 0.5, seed: 7 }));
    expect(asIds(holdoutSplit(lists, { fraction: 0.5, seed: 7 }))).toEqual(once);
    const seeds = [1, 2, 3, 4, 5].map((seed) => JSON.stringify(asIds(holdoutSplit(lists, { fraction: 0.5, seed })).test.u1));
    expect(new Set(seeds).size).toBeGreaterThan(1);
    const alone = asIds(holdoutSplit([...lists].reverse().slice(0, 3), { fraction: 0.5, seed: 7 }));
    expect(alone.test.u3).toEqual(once.test.u3);
  });

  it('keeps every item in the catalogue, indexed in input order whatever the seed', () => {
    const a = holdoutSplit(lists, { fraction: 0.5, seed: 1 });
    const b = holdoutSplit(lists, { fraction: 0.5, seed: 2 });
    expect(a.train.items.toArray()).toEqual(b.train.items.toArray());
    expect(a.train.items.size).toBe(10 + 1 + 4 + 2);
    expect(a.train.interactions.cols).toBe(17);
  });

  it('refuses a fraction outside [0, 1)', () => {
    expect(() => holdoutSplit(lists, { fraction: 1, seed: 1 })).toThrow(MagpieError);
  });
});
