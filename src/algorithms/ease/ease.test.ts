import { describe, expect, it } from 'vitest';
import { IdIndex, Rng } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import { csrFromTriples, solveSpd } from '../../math/index.js';
import { expectRoundTrip, trainTwice } from '../testing/model-checks.js';
import { holdoutRecall } from '../testing/recall.js';
import { queryOf, syntheticSplit } from '../testing/synthetic.js';
import type { TrainProgress } from '../types.js';
import { ease, trainEase, type EaseSolveOptions } from './index.js';
import { easeParamsSchema } from './params.js';

function dataOf(users: number[][], items: number): TrainingData {
  const r: number[] = [];
  const c: number[] = [];
  users.forEach((row, u) => row.forEach((i) => (r.push(u), c.push(i))));
  return {
    users: IdIndex.from(users.map((_, u) => `u${u}`)),
    items: IdIndex.from(Array.from({ length: items }, (_, i) => `i${i}`)),
    interactions: csrFromTriples(users.length, items, r, c, new Float32Array(r.length).fill(1)),
    lastSeen: null,
    now: 0,
  };
}

/** Random binary users × items data, every item used at least once. */
function randomData(seed: number, users: number, items: number): TrainingData {
  const rng = new Rng(seed);
  const rows = Array.from({ length: users }, (_, u) => {
    const row = new Set<number>([u % items]);
    for (let i = 0; i < items; i++) if (rng.next() < 0.3) row.add(i);
    return [...row].sort((a, b) => a - b);
  });
  return dataOf(rows, items);
}

/** The dense B the model keeps (all of it when keep ≥ items − 1), row-major. */
function denseWeights(model: Awaited<ReturnType<typeof trainEase>>): Float64Array {
  const n = model.items.size;
  const out = new Float64Array(n * n);
  const { indptr, indices, values } = model.weights;
  for (let h = 0; h < n; h++) for (let k = indptr[h]!; k < indptr[h + 1]!; k++) out[h * n + indices[k]!] = values[k]!;
  return out;
}

/** Column j of B as Steck derives it: the ridge regression of x_j on the other items' columns. */
function ridgeColumn(data: TrainingData, j: number, lambda: number): Float64Array {
  const x = data.interactions;
  const n = x.cols;
  const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== j);
  const m = others.length;
  const a = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  for (let u = 0; u < x.rows; u++) {
    const row = new Set(x.indices.subarray(x.indptr[u]!, x.indptr[u + 1]!));
    for (let p = 0; p < m; p++) {
      if (!row.has(others[p]!)) continue;
      if (row.has(j)) rhs[p]! += 1;
      for (let q = 0; q < m; q++) if (row.has(others[q]!)) a[p * m + q]! += 1;
    }
  }
  for (let p = 0; p < m; p++) a[p * m + p]! += lambda;
  solveSpd(a, m, rhs);
  const column = new Float64Array(n);
  others.forEach((i, p) => (column[i] = rhs[p]!));
  return column;
}

const exact: EaseSolveOptions = { precision: 'f64', kernels: 'ts' };

describe('EASE', () => {
  it('has documented defaults and rejects unknown params', () => {
    expect(easeParamsSchema.parse({})).toMatchObject({ lambda: 200, maxItems: 10_000, keep: 500 });
    expect(() => easeParamsSchema.parse({ l2: 5 })).toThrow();
    expect(() => easeParamsSchema.parse({ keep: 0 })).toThrow();
  });

  it('computes B by hand for two items: B_ab = co-occurrences / (count of a + λ)', async () => {
    // a in 3 users, b in 1, together once; λ = 1.
    const data = dataOf([[0, 1], [0], [0]], 2);
    const model = await trainEase(data, easeParamsSchema.parse({ lambda: 1 }), { seed: 1 }, exact);
    const b = denseWeights(model);
    expect(b[0]).toBe(0);
    expect(b[1]).toBeCloseTo(1 / 4, 12);
    expect(b[2]).toBeCloseTo(1 / 2, 12);
    expect(b[3]).toBe(0);
    const out = new Float32Array(2);
    model.scoreUser({ user: -1, items: Int32Array.of(1), weights: Float32Array.of(2) }, out);
    expect(out[0]).toBeCloseTo(2 * 0.5, 6);
  });

  it.each([
    // The model keeps B in f32, so even the f64 solve agrees only to f32 rounding.
    ['f64 reference, tiny panels', { ...exact, block: 3 }, 1e-6],
    ['f32 default solve', {}, 1e-4],
  ] as const)('equals the per-column ridge regressions of Steck 2019 (%s)', async (_, options, tolerance) => {
    const data = randomData(7, 30, 12);
    const model = await trainEase(data, easeParamsSchema.parse({ lambda: 3, keep: 11 }), { seed: 1 }, options);
    const b = denseWeights(model);
    for (let j = 0; j < 12; j++) {
      const column = ridgeColumn(data, j, 3);
      for (let i = 0; i < 12; i++) expect(Math.abs(b[i * 12 + j]! - column[i]!)).toBeLessThan(tolerance);
    }
  });

  it('gives the same B with tiny panels (3 on n = 10) as with one panel', async () => {
    const data = randomData(8, 25, 10);
    const params = easeParamsSchema.parse({ lambda: 2, keep: 9 });
    const tiny = denseWeights(await trainEase(data, params, { seed: 1 }, { ...exact, block: 3 }));
    const whole = denseWeights(await trainEase(data, params, { seed: 1 }, { ...exact, block: 10 }));
    // Equal up to the f32 rounding of the stored weights (the f64 solves agree to ~1e-15).
    for (let t = 0; t < tiny.length; t++) expect(Math.abs(tiny[t]! - whole[t]!)).toBeLessThan(1e-7);
  });

  it('keeps the `keep` largest weights by magnitude, best first, and similar items are the positive ones', async () => {
    const data = randomData(9, 40, 12);
    const full = denseWeights(await trainEase(data, easeParamsSchema.parse({ lambda: 5, keep: 11 }), { seed: 1 }, exact));
    const model = await trainEase(data, easeParamsSchema.parse({ lambda: 5, keep: 4 }), { seed: 1 }, exact);
    const { indptr, indices, values } = model.weights;
    for (let h = 0; h < 12; h++) {
      expect(indptr[h + 1]! - indptr[h]!).toBe(4);
      const row = Array.from({ length: 12 }, (_, j) => full[h * 12 + j]!);
      const fourth = row.map(Math.abs).sort((a, b) => b - a)[3]!;
      for (let k = indptr[h]!; k < indptr[h + 1]!; k++) {
        expect(Math.abs(values[k]!)).toBeGreaterThanOrEqual(fourth * (1 - 1e-6));
        expect(values[k]).toBeCloseTo(row[indices[k]!]!, 6);
        if (k > indptr[h]!) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
      }
      const similar = model.similarItems(h, 10);
      expect(similar.indices.length).toBe(Array.from(values.subarray(indptr[h]!, indptr[h + 1]!)).filter((v) => v > 0).length);
      expect(Array.from(similar.indices)).not.toContain(h);
    }
    expect(model.similarItems(0, 1).indices.length).toBeLessThanOrEqual(1);
    expect(model.similarItems(99, 3).indices.length).toBe(0);
    // pruneBy 'value' keeps the 4 largest weights instead.
    const byValue = (await trainEase(data, easeParamsSchema.parse({ lambda: 5, keep: 4 }), { seed: 1 }, { ...exact, pruneBy: 'value' })).weights;
    for (let h = 0; h < 12; h++) {
      const top4 = Array.from({ length: 12 }, (_, j) => full[h * 12 + j]!)
        .filter((_, j) => j !== h)
        .sort((a, b) => b - a)
        .slice(0, 4);
      const got = Array.from(byValue.values.subarray(byValue.indptr[h]!, byValue.indptr[h + 1]!));
      got.forEach((v, t) => expect(v).toBeCloseTo(top4[t]!, 6));
    }
  });

  it('models only the maxItems most interacted items; the others score 0', async () => {
    // Item popularity: 3 > 2 > 1 > 0.
    const data = dataOf([[3], [3, 2], [3, 2, 1], [3, 2, 1, 0], [3, 2, 1]], 4);
    const model = await trainEase(data, easeParamsSchema.parse({ lambda: 1, maxItems: 2 }), { seed: 1 }, exact);
    const { indptr, indices } = model.weights;
    expect([0, 1, 2, 3].map((i) => indptr[i + 1]! - indptr[i]!)).toEqual([0, 0, 1, 1]);
    expect(Array.from(indices).sort()).toEqual([2, 3]);
    const out = new Float32Array(4);
    model.scoreUser({ user: -1, items: Int32Array.of(0, 1, 3), weights: Float32Array.of(1, 1, 1) }, out);
    expect([out[0], out[1], out[3]]).toEqual([0, 0, 0]);
    expect(out[2]).toBeGreaterThan(0);
  });

  it('explains a score by the history item with the largest positive term', async () => {
    const data = dataOf([[0, 2], [0, 2], [1, 2], [0, 1, 3]], 4);
    const model = await trainEase(data, easeParamsSchema.parse({ lambda: 1 }), { seed: 1 }, exact);
    const b = denseWeights(model);
    const query = { user: -1, items: Int32Array.of(0, 1), weights: Float32Array.of(1, 1) };
    const expected = b[0 * 4 + 2]! >= b[1 * 4 + 2]! ? 0 : 1;
    expect(b[expected * 4 + 2]!).toBeGreaterThan(0);
    expect(model.explain(query, 2)).toBe(expected);
    expect(model.explain({ ...query, items: Int32Array.of(3), weights: Float32Array.of(1) }, 2)).toBe(-1);
  });

  it('reports gram, inverse and prune progress and honours an abort', async () => {
    const data = randomData(10, 20, 10);
    const stages = new Set<string>();
    const progress = (p: TrainProgress): void => void stages.add(p.stage);
    await trainEase(data, easeParamsSchema.parse({}), { seed: 1, progress }, { block: 3 });
    expect([...stages]).toEqual(['gram', 'inverse', 'prune']);
    const stop = new AbortController();
    stop.abort();
    await expect(ease.train(data, easeParamsSchema.parse({}), { seed: 1, signal: stop.signal })).rejects.toThrow();
  });

  it('is deterministic, round-trips, and lands in its Recall@10 band', async () => {
    const split = syntheticSplit();
    const params = easeParamsSchema.parse({});
    const model = await ease.train(split.train, params, { seed: 3 });
    const recall = holdoutRecall(model, split, 10);
    // Measured 0.3778 (λ 200; λ 20: 0.324, λ 500: 0.382); item-kNN gets 0.375, popularity 0.103.
    expect(recall).toBeGreaterThan(0.34);
    expect(recall).toBeLessThan(0.42);
    expectRoundTrip(ease, model, [queryOf(split.train, 0), queryOf(split.train, 5, true)]);
    const [x, y] = await trainTwice(ease, split.train, params, 3);
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
  });

  it('scores the same with the WASM kernel as with the TypeScript reference', async () => {
    const split = syntheticSplit();
    const params = easeParamsSchema.parse({ lambda: 20 });
    const fast = await trainEase(split.train, params, { seed: 3 });
    const reference = await trainEase(split.train, params, { seed: 3 }, { kernels: 'ts' });
    const a = new Float32Array(400);
    const b = new Float32Array(400);
    for (const u of [0, 1, 2, 50, 700]) {
      fast.scoreUser(queryOf(split.train, u), a);
      reference.scoreUser(queryOf(split.train, u), b);
      for (let i = 0; i < 400; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
    }
  });
});
