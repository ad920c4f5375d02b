import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { gram, scal, topK } from '../../math/index.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { holdoutRecall } from '../testing/recall.js';
import { queryOf, syntheticSplit } from '../testing/synthetic.js';
import { solveHalfStep } from './half-step.js';
import { ials } from './index.js';
import type { IalsModel } from './model.js';
import { ialsParamsSchema } from './params.js';

const split = syntheticSplit();
// The synthetic catalogue is 100× smaller than Gowalla's, so the unobserved weight that suits
// it is larger than the default (α0·|I| is what matters).
const params = ialsParamsSchema.parse({ factors: 16, epochs: 10, unobservedWeight: 0.1, regularization: 0.003 });

describe('iALS', () => {
  it('has documented defaults and rejects unknown params', () => {
    expect(ialsParamsSchema.parse({})).toMatchObject({ factors: 128, epochs: 8, regularization: 0.003, solver: 'cg' });
    expect(() => ialsParamsSchema.parse({ lambda: 1 })).toThrow();
  });

  it('a CG half-step run long enough matches the exact Cholesky half-step', () => {
    const rng = new Rng(9);
    const k = 8;
    const x = split.train.interactions;
    const fixed = Float32Array.from({ length: x.cols * k }, () => rng.normal() * 0.3);
    const weightedGram = gram(fixed, x.cols, k, new Float64Array(k * k));
    scal(0.05, weightedGram, 0, k * k);
    const lambdas = new Float64Array(x.rows).fill(0.5);
    const exact = new Float32Array(x.rows * k);
    const iterative = new Float32Array(x.rows * k);
    const step = { rows: x, fixed, k, weightedGram, lambdas, gramScales: null, cgSteps: 30 };
    solveHalfStep({ ...step, target: exact, solver: 'cholesky' });
    solveHalfStep({ ...step, target: iterative, solver: 'cg' });
    let maxDiff = 0;
    for (let t = 0; t < exact.length; t++) maxDiff = Math.max(maxDiff, Math.abs(exact[t]! - iterative[t]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('lands in its Recall@10 band, clearly above popularity, with CG and with Cholesky', async () => {
    const cg = await ials.train(split.train, params, { seed: 1 });
    const exact = await ials.train(split.train, { ...params, solver: 'cholesky' }, { seed: 1 });
    const rCg = holdoutRecall(cg, split, 10);
    const rExact = holdoutRecall(exact, split, 10);
    // Measured 0.318 (popularity: 0.103).
    expect(rCg).toBeGreaterThan(0.27);
    expect(rCg).toBeLessThan(0.4);
    expect(Math.abs(rCg - rExact)).toBeLessThan(0.02);
  });

  it('folds a user in close to their trained vector', async () => {
    const model = (await ials.train(split.train, { ...params, epochs: 15 }, { seed: 2 })) as IalsModel;
    const stored = new Float32Array(model.items.size);
    const folded = new Float32Array(model.items.size);
    let overlap = 0;
    const users = 100;
    for (let u = 0; u < users; u++) {
      const seen = new Set(queryOf(split.train, u).items);
      model.scoreUser(queryOf(split.train, u), stored);
      model.scoreUser(queryOf(split.train, u, true), folded);
      const a = new Set(topK(stored, 10, (i) => seen.has(i)).indices);
      for (const i of topK(folded, 10, (i) => seen.has(i)).indices) if (a.has(i)) overlap++;
    }
    expect(overlap / (10 * users)).toBeGreaterThan(0.8);
    const foldedRecall = holdoutRecall(model, split, 10, true);
    expect(foldedRecall).toBeGreaterThan(holdoutRecall(model, split, 10) - 0.03);
  });

  it('folds in by CG to what the exact Cholesky solve gives (same top 10 for nearly every user)', async () => {
    const model = (await ials.train(split.train, { ...params, epochs: 5 }, { seed: 3 })) as IalsModel;
    const exactScores = new Float32Array(model.items.size);
    const cgScores = new Float32Array(model.items.size);
    let overlap = 0;
    let worst = 0;
    const users = 100;
    for (let u = 0; u < users; u++) {
      const q = queryOf(split.train, u, true);
      const exact = Float64Array.from(model.foldIn(q.items, q.weights, true));
      const cg = Float64Array.from(model.foldIn(q.items, q.weights));
      let diff = 0;
      let norm = 0;
      for (let t = 0; t < exact.length; t++) {
        diff += (exact[t]! - cg[t]!) ** 2;
        norm += exact[t]! ** 2;
      }
      worst = Math.max(worst, Math.sqrt(diff / Math.max(norm, 1e-30)));
      for (const [x, out] of [[exact, exactScores], [cg, cgScores]] as const) {
        for (let i = 0; i < model.items.size; i++) {
          let s = 0;
          for (let t = 0; t < x.length; t++) s += x[t]! * model.itemFactorMatrix[i * x.length + t]!;
          out[i] = s;
        }
      }
      const a = new Set(topK(exactScores, 10).indices);
      for (const i of topK(cgScores, 10).indices) if (a.has(i)) overlap++;
    }
    expect(worst).toBeLessThan(0.05);
    expect(overlap / (10 * users)).toBeGreaterThan(0.97);
  });

  it('is deterministic per seed and round-trips bit-identically', async () => {
    const small = { ...params, epochs: 3 };
    const [a, b] = await trainTwice(ials, split.train, small, 5);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const [c] = await trainTwice(ials, split.train, small, 6);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    const model = ials.deserialize(a);
    expectRoundTrip(ials, model, [queryOf(split.train, 0), queryOf(split.train, 1, true)]);
    // The training users come back too: a user's unchanged training row names their stored row.
    const row = queryOf(split.train, 2, true);
    expect(model.userRow!(split.train.users.idAt(2), row)).toBe(2);
    expect(model.userRow!(split.train.users.idAt(3), row)).toBe(-1);
  });

  it('similar items exclude the item itself; explain points into the history', async () => {
    const model = await ials.train(split.train, { ...params, epochs: 3 }, { seed: 1 });
    const similar = model.similarItems!(7, 5);
    expect(similar.indices.length).toBe(5);
    expect(Array.from(similar.indices)).not.toContain(7);
    for (let r = 1; r < 5; r++) expect(similar.scores[r]!).toBeLessThanOrEqual(similar.scores[r - 1]!);
    const query = queryOf(split.train, 3);
    const h = model.explain!(query, 7);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(query.items.length);
  });

  it('folds in an empty or out-of-range history without failing', async () => {
    const model = await ials.train(split.train, { ...params, epochs: 1 }, { seed: 1 });
    const out = new Float32Array(model.items.size);
    model.scoreUser({ user: -1, items: Int32Array.of(-5, 10_000), weights: Float32Array.of(1, 1) }, out);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const run = ials.train(split.train, params, {
      seed: 1,
      signal: controller.signal,
      progress: (p) => {
        if (p.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
  });
});
