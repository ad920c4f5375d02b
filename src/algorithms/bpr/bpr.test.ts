import { describe, expect, it } from 'vitest';
import { popularity, popularityParamsSchema } from '../popularity/index.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { holdoutRecall } from '../testing/recall.js';
import { queryOf, syntheticSplit } from '../testing/synthetic.js';
import { bpr } from './index.js';
import { bprParamsSchema } from './params.js';

const split = syntheticSplit();
const params = bprParamsSchema.parse({ factors: 16, epochs: 30 });

describe('BPR', () => {
  it('has documented defaults and rejects unknown params', () => {
    expect(bprParamsSchema.parse({})).toMatchObject({ factors: 64 });
    expect(() => bprParamsSchema.parse({ lr: 0.1 })).toThrow();
  });

  it('lands in its Recall@10 band, clearly above popularity, stored and folded in', async () => {
    const model = await bpr.train(split.train, params, { seed: 1 });
    const pop = await popularity.train(split.train, popularityParamsSchema.parse({ halfLifeDays: null }), { seed: 1 });
    const recall = holdoutRecall(model, split, 10);
    expect(recall).toBeGreaterThan(0.25);
    expect(recall).toBeLessThan(0.45);
    expect(recall).toBeGreaterThan(holdoutRecall(pop, split, 10) + 0.1);
    const folded = holdoutRecall(model, split, 10, true);
    expect(folded).toBeGreaterThan(recall - 0.05);
  });

  it('is deterministic per seed (training and fold-in) and round-trips bit-identically', async () => {
    const small = { ...params, epochs: 3 };
    const [a, b] = await trainTwice(bpr, split.train, small, 5);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const model = bpr.deserialize(a);
    const out1 = new Float32Array(model.items.size);
    const out2 = new Float32Array(model.items.size);
    model.scoreUser(queryOf(split.train, 4, true), out1);
    model.scoreUser(queryOf(split.train, 4, true), out2);
    expect(out1).toEqual(out2);
    expectRoundTrip(bpr, model, [queryOf(split.train, 0), queryOf(split.train, 1, true)]);
  });

  it('similar items and explanations come from item factors', async () => {
    const model = await bpr.train(split.train, { ...params, epochs: 3 }, { seed: 1 });
    expect(Array.from(model.similarItems!(2, 4).indices)).not.toContain(2);
    const query = queryOf(split.train, 3);
    expect(model.explain!(query, 11)).toBeGreaterThanOrEqual(0);
  });
});
