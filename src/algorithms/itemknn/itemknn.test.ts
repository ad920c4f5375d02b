import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import { csrFromTriples } from '../../math/index.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { holdoutRecall } from '../testing/recall.js';
import { queryOf, syntheticSplit } from '../testing/synthetic.js';
import { itemKnn } from './index.js';
import { itemKnnParamsSchema } from './params.js';
import { bm25Weights } from './similarity.js';

/** u0: {0, 1}; u1: {0, 1, 2}; u2: {2, 3}. */
function tiny(): TrainingData {
  const r = [0, 0, 1, 1, 1, 2, 2];
  const c = [0, 1, 0, 1, 2, 2, 3];
  return {
    users: IdIndex.from(['u0', 'u1', 'u2']),
    items: IdIndex.from(['a', 'b', 'c', 'd']),
    interactions: csrFromTriples(3, 4, r, c, new Float32Array(r.length).fill(1)),
    lastSeen: null,
    now: 0,
  };
}

describe('item-kNN', () => {
  it('has documented defaults and rejects unknown params', () => {
    const d = itemKnnParamsSchema.parse({});
    expect(d).toMatchObject({ similarity: 'bm25', neighbors: 200 });
    expect(() => itemKnnParamsSchema.parse({ k: 5 })).toThrow();
  });

  it('computes shrunk cosine neighbours by hand', async () => {
    const params = itemKnnParamsSchema.parse({ similarity: 'cosine', shrink: 1 });
    const model = await itemKnn.train(tiny(), params, { seed: 1 });
    // a·b = 2, |a| = |b| = √2 → 2 / (2 + 1); a·c = 1, |c| = √2 → 1 / 3; a and d never co-occur.
    const a = model.similarItems!(0, 10);
    expect(Array.from(a.indices)).toEqual([1, 2]);
    expect(a.scores[0]).toBeCloseTo(2 / 3, 6);
    expect(a.scores[1]).toBeCloseTo(1 / 3, 6);
    expect(model.similarItems!(0, 1).indices.length).toBe(1);
    expect(model.similarItems!(99, 3).indices.length).toBe(0);
  });

  it('scores Σ weight(h)·sim(h, i) and explains with the largest term', async () => {
    const params = itemKnnParamsSchema.parse({ similarity: 'cosine', shrink: 0 });
    const model = await itemKnn.train(tiny(), params, { seed: 1 });
    const query = { user: -1, items: Int32Array.of(0, 3), weights: Float32Array.of(1, 2) };
    const out = new Float32Array(4);
    model.scoreUser(query, out);
    // sim(a, c) = 1/2, sim(d, c) = 1/√2, sim(a, b) = 1, sim(d, b) = 0.
    expect(out[2]).toBeCloseTo(0.5 + 2 / Math.SQRT2, 6);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(model.explain!(query, 2)).toBe(1); // 2·0.707 beats 1·0.5
    expect(model.explain!(query, 1)).toBe(0);
    expect(model.explain!({ ...query, items: Int32Array.of(3), weights: Float32Array.of(1) }, 0)).toBe(-1);
  });

  it('keeps only the top `neighbors` per item', async () => {
    const model = await itemKnn.train(tiny(), itemKnnParamsSchema.parse({ neighbors: 1 }), { seed: 1 });
    for (let i = 0; i < 4; i++) expect(model.similarItems!(i, 5).indices.length).toBeLessThanOrEqual(1);
  });

  it('BM25 weights discount heavy users and, with b > 0, popular items', () => {
    const w = bm25Weights(tiny().interactions, 1.2, 0.75);
    // Row u1 (3 items) vs row u0 (2 items) on item a: the heavier user weighs less.
    expect(w.values[2]!).toBeLessThan(w.values[0]!);
    // u2 on c (2 users) vs d (1 user): the more popular item weighs less.
    expect(w.values[5]!).toBeLessThan(w.values[6]!);
    expect(Array.from(bm25Weights(tiny().interactions, 1.2, 0).values).every((v) => v > 0)).toBe(true);
  });

  it.each(['cosine', 'bm25'] as const)('%s: deterministic, round-trips, and lands in its Recall@10 band', async (similarity) => {
    const split = syntheticSplit();
    const params = itemKnnParamsSchema.parse({ similarity });
    const model = await itemKnn.train(split.train, params, { seed: 3 });
    const recall = holdoutRecall(model, split, 10);
    // Measured 0.375 (cosine) and 0.353 (bm25); popularity gets 0.103.
    expect(recall).toBeGreaterThan(0.3);
    expect(recall).toBeLessThan(0.42);
    expectRoundTrip(itemKnn, model, [queryOf(split.train, 0), queryOf(split.train, 5, true)]);
    const [x, y] = await trainTwice(itemKnn, split.train, params, 3);
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
  });
});
