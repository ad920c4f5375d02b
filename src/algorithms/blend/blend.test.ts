import { describe, expect, it } from 'vitest';
import { getAlgorithm } from '../registry.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { holdoutRecall } from '../testing/recall.js';
import { queryOf, syntheticSplit } from '../testing/synthetic.js';
import { addStandardised, blendParamsSchema } from './index.js';

const blend = getAlgorithm('blend');
const IALS_SMALL = { factors: 16, epochs: 10, unobservedWeight: 0.1 };

describe('blend', () => {
  it('standardises each component: mean 0, unit deviation, weighted; constant scores add nothing', () => {
    const out = new Float32Array(4);
    addStandardised(Float32Array.of(1, 2, 3, 4), 2, out);
    const mean = out.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(mean).toBeCloseTo(0, 6);
    expect(sd).toBeCloseTo(2, 5);
    const flat = new Float32Array(3);
    addStandardised(Float32Array.of(5, 5, 5), 1, flat);
    expect(Array.from(flat)).toEqual([0, 0, 0]);
    // -Infinity ("no opinion") counts as the component's minimum.
    const withInf = new Float32Array(3);
    addStandardised(Float32Array.of(-Infinity, 0, 1), 1, withInf);
    expect(withInf[0]).toBeCloseTo(withInf[1]!, 6);
    expect(withInf[2]!).toBeGreaterThan(withInf[1]!);
  });

  it('defaults to iALS + item-kNN and refuses a nested blend or a bad component parameter', async () => {
    expect(blendParamsSchema.parse({}).components.map((c) => c.algorithm)).toEqual(['ials', 'itemknn']);
    const split = syntheticSplit();
    await expect(blend.train(split.train, { components: [{ algorithm: 'blend', params: {}, weight: 1 }] }, { seed: 1 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      blend.train(split.train, { components: [{ algorithm: 'itemknn', params: { neighbors: 0 }, weight: 1 }] }, { seed: 1 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('is deterministic, round-trips, and scores at least as well as its better component', async () => {
    const split = syntheticSplit();
    const params = blendParamsSchema.parse({
      components: [
        { algorithm: 'ials', params: IALS_SMALL, weight: 1 },
        { algorithm: 'itemknn', params: {}, weight: 1 },
      ],
    });
    const model = await blend.train(split.train, params, { seed: 3 });
    const alone = await Promise.all([
      getAlgorithm('ials').train(split.train, getAlgorithm('ials').paramsSchema.parse(IALS_SMALL), { seed: 3 }),
      getAlgorithm('itemknn').train(split.train, getAlgorithm('itemknn').paramsSchema.parse({}), { seed: 3 }),
    ]);
    const best = Math.max(...alone.map((m) => holdoutRecall(m, split, 10)));
    expect(holdoutRecall(model, split, 10)).toBeGreaterThanOrEqual(best - 0.02);
    expect(model.params).toMatchObject({ components: [{ params: { factors: 16 } }, { params: { neighbors: 200 } }] });
    expect(model.explain!(queryOf(split.train, 0), 1)).toBeGreaterThanOrEqual(-1);
    expect(model.similarItems!(0, 5).indices.length).toBeGreaterThan(0);
    expectRoundTrip(blend, model, [queryOf(split.train, 0), queryOf(split.train, 5, true)]);
    const [x, y] = await trainTwice(blend, split.train, params, 3);
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
  });
});
