import { describe, expect, it } from 'vitest';
import { IdIndex, MagpieError } from '../core/index.js';
import type { Model, UserQuery } from '../algorithms/index.js';
import { trainingDataFromLists, type Split, type TrainingData } from '../data/index.js';
import { evaluateModel, evaluateModelAsync, recommendAll } from './protocol.js';

/** Scores item i as 10 − i for everyone (so lower indices rank first) and records the queries. */
class FixedScoreModel implements Model {
  readonly algorithm = 'fixed';
  readonly params = {};
  readonly queries: { user: number; items: number[]; weights: number[] }[] = [];
  constructor(readonly items: IdIndex) {}
  scoreUser(query: UserQuery, out: Float32Array): void {
    this.queries.push({ user: query.user, items: [...query.items], weights: [...query.weights] });
    for (let i = 0; i < out.length; i++) out[i] = 10 - i;
  }
  serialize(): Uint8Array {
    return new Uint8Array(0);
  }
}

const itemIds = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'];

function fixture(): { train: TrainingData; split: Split } {
  const train = trainingDataFromLists(
    [
      ['a', ['i0']],
      ['b', ['i1', 'i2']],
      ['c', ['i3']],
    ],
    { items: IdIndex.from(itemIds) },
  );
  const test = {
    users: Int32Array.from([0, 1, 2]),
    // a: {i1, i5}; b: {i4}; c: no test items, so c must not count.
    items: [Int32Array.from([1, 5]), Int32Array.from([4]), new Int32Array(0)],
  };
  return { train, split: { train, test } };
}

describe('evaluateModel', () => {
  it('excludes training items, skips users without test items and averages by hand', () => {
    const { train, split } = fixture();
    const model = new FixedScoreModel(train.items);
    const result = evaluateModel(model, split, { k: [3, 1] });

    // a: i0 (its training item, the top score) is excluded → ranking i1 i2 i3 …
    // b: i1, i2 excluded → ranking i0 i3 i4 …
    expect(result.users).toBe(2);
    expect(model.queries).toEqual([
      { user: 0, items: [0], weights: [1] },
      { user: 1, items: [1, 2], weights: [1, 1] },
    ]);
    const ndcgA3 = 1 / (1 + 1 / Math.log2(3)); // a's hit at rank 1, ideal 2 hits
    const expected: Record<string, number> = {
      'recall@1': (1 / 2 + 0) / 2,
      'recall@3': (1 / 2 + 1) / 2,
      'ndcg@1': (1 + 0) / 2,
      'ndcg@3': (ndcgA3 + 1 / Math.log2(4)) / 2, // b's hit at rank 3
      'precision@1': (1 + 0) / 2,
      'precision@3': (1 / 3 + 1 / 3) / 2,
      'map@1': (1 + 0) / 2,
      'map@3': (1 / 2 + 1 / 3) / 2,
      'mrr@1': (1 + 0) / 2,
      'mrr@3': (1 + 1 / 3) / 2,
      'hitrate@1': (1 + 0) / 2,
      'hitrate@3': 1,
      'coverage@1': 2 / 6, // {i1, i0}
      'coverage@3': 5 / 6, // {i1, i2, i3} ∪ {i0, i3, i4}
    };
    expect(Object.keys(result.metrics).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) expect(result.metrics[name], name).toBeCloseTo(value, 10);
    expect(result.seconds).toBeGreaterThanOrEqual(0);
  });

  it('groups metric keys by metric, then K ascending', () => {
    const { train, split } = fixture();
    const keys = Object.keys(evaluateModel(new FixedScoreModel(train.items), split, { k: [20, 5, 20] }).metrics);
    expect(keys.slice(0, 4)).toEqual(['recall@5', 'recall@20', 'ndcg@5', 'ndcg@20']);
  });

  it('reports progress up to the total', () => {
    const { train, split } = fixture();
    const seen: number[] = [];
    evaluateModel(new FixedScoreModel(train.items), split, { k: 2, onProgress: (p) => seen.push(p.done / p.total) });
    expect(seen.at(-1)).toBe(1);
  });

  it('gives the same answer asynchronously', async () => {
    const { train, split } = fixture();
    const sync = evaluateModel(new FixedScoreModel(train.items), split, { k: [1, 3] });
    const async = await evaluateModelAsync(new FixedScoreModel(train.items), split, { k: [1, 3] });
    expect(async.metrics).toEqual(sync.metrics);
    expect(async.users).toBe(sync.users);
  });

  it('stops when the signal aborts', async () => {
    const { train, split } = fixture();
    const controller = new AbortController();
    controller.abort();
    await expect(
      evaluateModelAsync(new FixedScoreModel(train.items), split, { k: 1, signal: controller.signal }),
    ).rejects.toThrow();
  });

  it('refuses a model trained on another catalogue, bad K and an empty test set', () => {
    const { train, split } = fixture();
    const other = new FixedScoreModel(IdIndex.from(['x', 'y']));
    expect(() => evaluateModel(other, split, { k: 1 })).toThrow(MagpieError);
    // Same ids in a fresh index are fine: positions match.
    expect(evaluateModel(new FixedScoreModel(IdIndex.from(itemIds)), split, { k: 1 }).users).toBe(2);
    for (const k of [0, 1.5, []]) expect(() => evaluateModel(new FixedScoreModel(train.items), split, { k })).toThrow(MagpieError);
    const misfit: Split = { train, test: { users: Int32Array.from([0]), items: [Int32Array.from([6])] } };
    expect(() => evaluateModel(new FixedScoreModel(train.items), misfit, { k: 1 })).toThrow(/does not fit.*item 6/);
    const empty: Split = { train, test: { users: Int32Array.from([2]), items: [new Int32Array(0)] } };
    expect(() => evaluateModel(new FixedScoreModel(train.items), empty, { k: 1 })).toThrow(/no test user/);
  });
});

describe('recommendAll', () => {
  it('yields ids for every training user, training items excluded', async () => {
    const { train } = fixture();
    const out: [string, string[]][] = [];
    let last = { done: 0, total: 0 };
    for await (const line of recommendAll(new FixedScoreModel(train.items), train, { k: 2, onProgress: (p) => (last = p) })) {
      out.push(line);
    }
    expect(out).toEqual([
      ['a', ['i1', 'i2']],
      ['b', ['i0', 'i3']],
      ['c', ['i0', 'i1']],
    ]);
    expect(last).toEqual({ done: 3, total: 3 });
  });
});
