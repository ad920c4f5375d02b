import { Rng } from '../core/index.js';
import type { TrainingData } from './training-data.js';

/**
 * The held-out half of an offline evaluation. Indices live in the training data's spaces:
 * `users[j]` is a row of `train.interactions` and `items[j]` are columns of it (sorted,
 * unique), so a model trained on `train` can be scored against them without any id lookups.
 */
export interface TestSet {
  users: Int32Array;
  items: Int32Array[];
}

/** Training data plus what each user went on to interact with. */
export interface Split {
  train: TrainingData;
  test: TestSet;
}

/**
 * Builds a TestSet from per-user item collections: users in ascending index order, each
 * user's items sorted and de-duplicated (a repeated test item is one relevant item, not two).
 * Users with no items are kept only when `keepEmpty` is set.
 */
export function testSetFromRows(rows: Map<number, Iterable<number>>, keepEmpty = false): TestSet {
  const users = [...rows.keys()].sort((a, b) => a - b);
  const outUsers: number[] = [];
  const outItems: Int32Array[] = [];
  for (const u of users) {
    const unique = Int32Array.from(new Set(rows.get(u))).sort();
    if (unique.length === 0 && !keepEmpty) continue;
    outUsers.push(u);
    outItems.push(unique);
  }
  return { users: Int32Array.from(outUsers), items: outItems };
}

/** Number of (user, item) pairs in a test set. */
export function testSetSize(test: TestSet): number {
  let n = 0;
  for (const items of test.items) n += items.length;
  return n;
}

/**
 * A seeded random subset of `n` of the test users that have at least one test item (all of
 * them when there are no more than n), in ascending user order: a cheaper estimate of the
 * same means, for comparing many configurations.
 */
export function sampleTestSet(test: TestSet, n: number, seed: number): TestSet {
  let kept = Int32Array.from(test.users.keys()).filter((j) => test.items[j]!.length > 0);
  if (kept.length > n) kept = new Rng(seed).shuffle(kept).subarray(0, Math.max(0, n)).sort();
  return { users: kept.map((j) => test.users[j]!), items: Array.from(kept, (j) => test.items[j]!) };
}
