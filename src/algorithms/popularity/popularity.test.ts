import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import { holdoutRecall } from '../testing/recall.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { queryOf, syntheticSplit } from '../testing/synthetic.js';
import { popularity, popularityScores } from './index.js';
import { popularityParamsSchema } from './params.js';

const DAY = 86_400_000;

/** Two users, three items; user 0's cell on item 0 is 30 days old, everything else fresh. */
function tiny(): TrainingData {
  const now = 100 * DAY;
  return {
    users: IdIndex.from(['a', 'b']),
    items: IdIndex.from(['x', 'y', 'z']),
    interactions: {
      rows: 2,
      cols: 3,
      indptr: Int32Array.of(0, 2, 4),
      indices: Int32Array.of(0, 1, 0, 2),
      values: Float32Array.of(2, 1, 1, 3),
    },
    lastSeen: Float64Array.of(now - 30 * DAY, now, now, now + DAY),
    now,
  };
}

describe('popularity', () => {
  it('has documented defaults and rejects unknown params', () => {
    expect(popularityParamsSchema.parse({})).toEqual({ halfLifeDays: 30, binary: false });
    expect(() => popularityParamsSchema.parse({ halfLife: 3 })).toThrow();
  });

  it('sums decayed interaction strengths per item', () => {
    const s = popularityScores(tiny(), popularityParamsSchema.parse({ halfLifeDays: 30 }));
    // item 0: 2·½ (one half-life old) + 1; item 1: 1; item 2: 3 (a future stamp counts as fresh).
    expect(Array.from(s)).toEqual([2, 1, 3]);
  });

  it('counts pairs once when binary, and does not decay without a half-life or timestamps', () => {
    expect(Array.from(popularityScores(tiny(), popularityParamsSchema.parse({ binary: true })))).toEqual([1.5, 1, 1]);
    expect(Array.from(popularityScores(tiny(), popularityParamsSchema.parse({ halfLifeDays: null })))).toEqual([3, 1, 3]);
    expect(Array.from(popularityScores(tiny(), popularityParamsSchema.parse({ halfLifeDays: 0 })))).toEqual([3, 1, 3]);
    const undated = { ...tiny(), lastSeen: null };
    expect(Array.from(popularityScores(undated, popularityParamsSchema.parse({})))).toEqual([3, 1, 3]);
  });

  it('gives everyone the same scores, survives a round trip, and is deterministic', async () => {
    const data = tiny();
    const params = popularityParamsSchema.parse({});
    const model = await popularity.train(data, params, { seed: 1 });
    const a = new Float32Array(3);
    const b = new Float32Array(3);
    model.scoreUser(queryOf(data, 0), a);
    model.scoreUser({ user: -1, items: new Int32Array(0), weights: new Float32Array(0) }, b);
    expect(a).toEqual(b);
    expectRoundTrip(popularity, model, [queryOf(data, 0), queryOf(data, 1, true)]);
    const [x, y] = await trainTwice(popularity, data, params, 7);
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
  });

  it('rejects a bundle of another algorithm', async () => {
    const model = await popularity.train(tiny(), popularityParamsSchema.parse({}), { seed: 1 });
    const bytes = model.serialize();
    bytes[20] = 0x7a; // corrupt the header JSON
    expect(() => popularity.deserialize(bytes)).toThrow(expect.objectContaining({ code: 'CORRUPT_MODEL' }));
  });

  it('Recall@10 on the synthetic holdout lies in its measured band', async () => {
    const split = syntheticSplit();
    const model = await popularity.train(split.train, popularityParamsSchema.parse({ halfLifeDays: null }), { seed: 1 });
    const recall = holdoutRecall(model, split, 10);
    // Measured 0.103: the floor every personalised model must clear by a wide margin.
    expect(recall).toBeGreaterThan(0.08);
    expect(recall).toBeLessThan(0.13);
  });
});
