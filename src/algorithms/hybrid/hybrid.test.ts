import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { csrFromTriples, solveSpd } from '../../math/index.js';
import type { ContentVectors } from '../content/index.js';
import { ials } from '../ials/index.js';
import { popularity } from '../popularity/index.js';
import { coldStartSplit } from '../testing/content-synthetic.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { holdoutRecall } from '../testing/recall.js';
import { queryOf } from '../testing/synthetic.js';
import type { Model } from '../types.js';
import { hybrid } from './index.js';
import type { HybridModel } from './model.js';
import { hybridParamsSchema } from './params.js';
import { fitMapping, mapItem } from './ridge.js';

const split = coldStartSplit();
// The iALS settings of ials.test.ts for this small catalogue.
const collaborative = { factors: 16, epochs: 10, unobservedWeight: 0.1, regularization: 0.003 };
const params = hybridParamsSchema.parse(collaborative);
const coldHoldout = { train: split.train, holdout: split.coldHoldout };
const isCold = new Set(split.cold);

/** The model ranking only the cold items: a "new arrivals for you" shelf. */
function coldShelf(model: Model): Model {
  return {
    ...model,
    items: model.items,
    scoreUser(query, out) {
      model.scoreUser(query, out);
      for (let i = 0; i < out.length; i++) if (!isCold.has(i)) out[i] = -Infinity;
    },
    serialize: () => model.serialize(),
  };
}

describe('hybrid', () => {
  it('has documented defaults that embed the iALS ones, and rejects unknown params', () => {
    expect(params).toMatchObject({ ...collaborative, mappingRegularization: 3, coldScale: 1, warmBlend: 0, maxFeatures: 5000 });
    expect(hybridParamsSchema.parse({})).toMatchObject({ factors: 128, weighting: 'bm25' });
    expect(() => hybridParamsSchema.parse({ lambda: 1 })).toThrow();
  });

  it('fails with TRAINING_FAILED without item content', async () => {
    const { content: _dropped, ...bare } = split.train;
    await expect(hybrid.train(bare, params, { seed: 1 })).rejects.toMatchObject({ code: 'TRAINING_FAILED' });
  });

  it('the CG ridge solve matches the closed form (ZᵀZ + λI′)⁻¹ZᵀY', () => {
    const rng = new Rng(3);
    const [n, f, d, k, lambda] = [40, 12, 3, 4, 0.5];
    const r: number[] = [];
    const c: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) if (rng.next() < 0.3) (r.push(i), c.push(j), v.push(rng.next()));
    const vectors: ContentVectors = {
      text: csrFromTriples(n, f, r, c, v),
      featureIds: Int32Array.from({ length: f }, (_, j) => j),
      embeddings: Float32Array.from({ length: n * d }, () => rng.normal()),
      dim: d,
    };
    const rows = Int32Array.from({ length: 30 }, (_, t) => t + 5);
    const targets = Float32Array.from({ length: rows.length * k }, () => rng.normal());
    const mapping = fitMapping(vectors, rows, targets, k, { lambda, maxSteps: 500, tolerance: 1e-12 });
    // Dense design: features, embedding dimensions, intercept.
    const dims = f + d + 1;
    const z = new Float64Array(rows.length * dims);
    rows.forEach((i, t) => {
      for (let e = vectors.text.indptr[i]!; e < vectors.text.indptr[i + 1]!; e++) z[t * dims + vectors.text.indices[e]!] = vectors.text.values[e]!;
      for (let s = 0; s < d; s++) z[t * dims + f + s] = vectors.embeddings![i * d + s]!;
      z[t * dims + dims - 1] = 1;
    });
    for (let j = 0; j < k; j++) {
      const a = new Float64Array(dims * dims);
      const b = new Float64Array(dims);
      for (let t = 0; t < rows.length; t++) {
        for (let p = 0; p < dims; p++) {
          b[p]! += z[t * dims + p]! * targets[t * k + j]!;
          for (let q = 0; q < dims; q++) a[p * dims + q]! += z[t * dims + p]! * z[t * dims + q]!;
        }
      }
      for (let p = 0; p < dims - 1; p++) a[p * dims + p]! += lambda; // the intercept is not penalised
      const exact = solveSpd(a, dims, b);
      for (let p = 0; p < dims; p++) expect(mapping.weights[p * k + j]!).toBeCloseTo(exact[p]!, 6);
    }
    // mapItem applies the map: z_i·W + b.
    const out = new Float32Array(k);
    mapItem(vectors, mapping, rows[0]!, out, 0);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < dims; p++) s += z[p]! * mapping.weights[p * k + j]!;
      expect(out[j]).toBeCloseTo(s, 5);
    }
  });

  it('gives items without interactions factors from their content: cold items become recommendable', async () => {
    const model = (await hybrid.train(split.train, params, { seed: 1 })) as HybridModel;
    const plain = await ials.train(split.train, ials.paramsSchema.parse(collaborative), { seed: 1 });
    const pop = await popularity.train(split.train, popularity.paramsSchema.parse({}), { seed: 1 });
    expect(Array.from(model.mapped.keys()).filter((i) => model.mapped[i] === 1)).toEqual(Array.from(split.cold));
    // Among the cold items, content places them (measured 0.70; the same iALS without the map 0.205,
    // chance 10/60 = 0.167; popularity gives every cold item the same score).
    const shelf = holdoutRecall(coldShelf(model), coldHoldout, 10);
    expect(shelf).toBeGreaterThan(0.6);
    expect(shelf).toBeGreaterThan(2 * holdoutRecall(coldShelf(plain), coldHoldout, 10));
    // Warm items keep their learned factors (warmBlend 0), so warm quality is iALS's.
    expect(holdoutRecall(model, split, 10)).toBeCloseTo(holdoutRecall(plain, split, 10), 2);
    // In the full ranking, coldScale trades warm for cold: at 2 the cold items reach the top 10
    // (measured 0.563; chance ~0.025; popularity and iALS 0) while warm recall falls.
    const promoted = await hybrid.train(split.train, { ...params, coldScale: 2 }, { seed: 1 });
    const coldRecall = holdoutRecall(promoted, coldHoldout, 10);
    expect(coldRecall).toBeGreaterThan(0.45);
    expect(holdoutRecall(pop, coldHoldout, 10)).toBe(0);
    expect(holdoutRecall(plain, coldHoldout, 10)).toBeLessThan(0.01);
    expect(holdoutRecall(model, coldHoldout, 10)).toBeLessThan(coldRecall);
  });

  it('warmBlend moves warm items towards their mapped factors', async () => {
    const a = (await hybrid.train(split.train, params, { seed: 1 })) as HybridModel;
    const b = (await hybrid.train(split.train, { ...params, warmBlend: 0.5 }, { seed: 1 })) as HybridModel;
    expect(b.mapped.every((m) => m === 1)).toBe(true);
    const k = params.factors;
    const warm = Array.from({ length: 400 }, (_, i) => i).find((i) => !isCold.has(i))!;
    const cold = split.cold[0]!;
    const fa = a.factors.itemFactorMatrix;
    const fb = b.factors.itemFactorMatrix;
    expect(Array.from(fb.subarray(cold * k, (cold + 1) * k))).toEqual(Array.from(fa.subarray(cold * k, (cold + 1) * k)));
    expect(Array.from(fb.subarray(warm * k, (warm + 1) * k))).not.toEqual(Array.from(fa.subarray(warm * k, (warm + 1) * k)));
  });

  it('similar items and explanations reach cold items', async () => {
    const model = await hybrid.train(split.train, params, { seed: 1 });
    const cold = split.cold[0]!;
    const similar = model.similarItems!(cold, 10);
    expect(similar.indices.length).toBe(10);
    expect(Array.from(similar.indices)).not.toContain(cold);
    // The neighbours of a cold item share its latent cluster (item i is in cluster i % 10) more often than not.
    const sameCluster = Array.from(similar.indices).filter((i) => i % 10 === cold % 10).length;
    expect(sameCluster).toBeGreaterThanOrEqual(5);
    const query = queryOf(split.train, 0);
    const h = model.explain!(query, cold);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(query.items.length);
  });

  it('is deterministic per seed and round-trips bit-identically, also for folded-in users', async () => {
    const small = { ...params, epochs: 3 };
    const [a, b] = await trainTwice(hybrid, split.train, small, 5);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const model = hybrid.deserialize(a) as HybridModel;
    expect(Array.from(model.mapped.keys()).filter((i) => model.mapped[i] === 1)).toEqual(Array.from(split.cold));
    expectRoundTrip(hybrid, model, [queryOf(split.train, 0), queryOf(split.train, 1, true)]);
  });
});
