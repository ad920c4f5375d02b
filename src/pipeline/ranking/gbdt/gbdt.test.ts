import { describe, expect, it } from 'vitest';
import { MagpieError, Rng } from '../../../core/index.js';
import { binOf, computeBinEdges, GbdtModel, LambdaMart, logLoss, trainGbdt, type FeatureMatrix, type GbdtDataset } from './index.js';

/** Two uniform features in [−1, 1]; label 1 when they share a sign (XOR-like), plus noise columns. */
function xorData(rows: number, seed: number, noiseCols = 3): GbdtDataset {
  const rng = new Rng(seed);
  const cols = 2 + noiseCols;
  const values = new Float64Array(rows * cols);
  const labels = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++) values[r * cols + f] = rng.next() * 2 - 1;
    labels[r] = values[r * cols]! * values[r * cols + 1]! > 0 ? 1 : 0;
  }
  return { features: { rows, cols, values }, labels };
}

function accuracy(model: GbdtModel, d: GbdtDataset): number {
  const p = model.predictProbability(d.features);
  let right = 0;
  for (let i = 0; i < p.length; i++) right += (p[i]! > 0.5 ? 1 : 0) === d.labels[i] ? 1 : 0;
  return right / p.length;
}

const fast = { trees: 120, learningRate: 0.2, maxLeaves: 15, minDataInLeaf: 10, rowSubsample: 0.8 } as const;

describe('binning', () => {
  it('gives each of few distinct values its own bin and caps many values at maxBins', () => {
    const few: FeatureMatrix = { rows: 6, cols: 1, values: Float64Array.from([3, 1, 2, 3, NaN, 1]) };
    const [e] = computeBinEdges(few);
    expect(Array.from(e!)).toEqual([1.5, 2.5]);
    expect([NaN, 1, 2, 3, 99].map((x) => binOf(e!, x))).toEqual([0, 1, 2, 3, 3]);
    const many: FeatureMatrix = { rows: 10_000, cols: 1, values: Float64Array.from({ length: 10_000 }, (_, i) => i * 0.37) };
    const [m] = computeBinEdges(many, 64);
    expect(m!.length).toBe(63);
    // Roughly equal counts per bin.
    const counts = new Int32Array(65);
    for (const x of many.values) counts[binOf(m!, x)]!++;
    expect(Math.max(...counts.subarray(1))).toBeLessThan(2 * (10_000 / 64));
  });
});

describe('gradient-boosted trees, binary logistic', () => {
  it('fits an XOR-like target far better than a constant', () => {
    const train = xorData(4000, 1);
    const test = xorData(2000, 2);
    const { model } = trainGbdt(train, { ...fast, objective: 'binary' }, { seed: 7 });
    const constant = logLoss(new Float64Array(test.features.rows), test.labels); // p = 0.5
    const fitted = logLoss(model.predict(test.features), test.labels);
    expect(constant).toBeCloseTo(Math.log(2), 5);
    expect(fitted).toBeLessThan(0.3 * constant);
    expect(accuracy(model, test)).toBeGreaterThan(0.95);
    // The two informative features carry nearly all the gain.
    const top = model.featureImportance().slice(0, 2).map((f) => f.feature).sort();
    expect(top).toEqual(['f0', 'f1']);
  });

  it('is calibrated: the mean predicted probability matches the base rate', () => {
    const rng = new Rng(3);
    const make = (rows: number): GbdtDataset => {
      const values = new Float64Array(rows * 2);
      const labels = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        const x = rng.next();
        values[r * 2] = x;
        values[r * 2 + 1] = rng.next();
        labels[r] = rng.next() < 0.02 + 0.16 * x ? 1 : 0; // base rate ≈ 0.10
      }
      return { features: { rows, cols: 2, values }, labels };
    };
    const train = make(20_000);
    const test = make(20_000);
    const { model } = trainGbdt(train, { ...fast, objective: 'binary', trees: 60, learningRate: 0.1, minDataInLeaf: 200 }, { seed: 1 });
    const p = model.predictProbability(test.features);
    const meanP = p.reduce((s, x) => s + x, 0) / p.length;
    const rate = Array.from(test.labels).reduce((s, y) => s + y, 0) / test.labels.length;
    expect(Math.abs(meanP - rate)).toBeLessThan(0.01);
    // And it ranks: the top decile by prediction clicks far more than the bottom decile.
    const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
    const ctr = (ids: number[]): number => ids.reduce((s, i) => s + test.labels[i]!, 0) / ids.length;
    expect(ctr(order.slice(0, 2000))).toBeGreaterThan(2 * ctr(order.slice(-2000)));
  });

  it('learns from missing values (NaN goes where it helps)', () => {
    const rng = new Rng(5);
    const rows = 3000;
    const values = new Float64Array(rows);
    const labels = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const missing = rng.next() < 0.3;
      const x = rng.next();
      values[r] = missing ? NaN : x;
      labels[r] = missing || x > 0.7 ? 1 : 0;
    }
    const data = { features: { rows, cols: 1, values }, labels };
    const { model } = trainGbdt(data, { ...fast, objective: 'binary' }, { seed: 2 });
    expect(model.predictRow([NaN])).toBeGreaterThan(2);
    expect(model.predictRow([0.9])).toBeGreaterThan(2);
    expect(model.predictRow([0.2])).toBeLessThan(-2);
  });

  it('stops early on a validation set and keeps the best round', () => {
    const rng = new Rng(9);
    const noise = (rows: number): GbdtDataset => ({
      features: { rows, cols: 3, values: Float64Array.from({ length: rows * 3 }, () => rng.next()) },
      labels: Float64Array.from({ length: rows }, () => (rng.next() < 0.3 ? 1 : 0)),
    });
    const r = trainGbdt(noise(2000), { objective: 'binary', trees: 500, learningRate: 0.3, earlyStoppingRounds: 10 }, { seed: 1, valid: noise(2000) });
    expect(r.history.length).toBeLessThan(500);
    expect(r.model.treeCount).toBe(r.bestRound);
    expect(r.history.length - r.bestRound).toBe(10);
  });

  it('keeps every round when early stopping is off, and a truncated model is the prefix of rounds', () => {
    const train = xorData(1500, 3);
    const valid = xorData(500, 4);
    const r = trainGbdt(train, { ...fast, objective: 'binary', trees: 40, earlyStoppingRounds: 0 }, { seed: 1, valid });
    expect(r.model.treeCount).toBe(40);
    expect(r.history.every((h) => h.valid !== null)).toBe(true);
    const ten = r.model.truncated(10);
    const again = trainGbdt(train, { ...fast, objective: 'binary', trees: 10, earlyStoppingRounds: 0 }, { seed: 1 });
    expect(Array.from(ten.predict(valid.features))).toEqual(Array.from(again.model.predict(valid.features)));
    expect(GbdtModel.deserialize(ten.serialize()).predictRow(valid.features.values)).toBe(ten.predictRow(valid.features.values));
    const none = r.model.truncated(0);
    expect(none.treeCount).toBe(0);
    expect(none.predictRow([0.5, 0.5, 0, 0, 0])).toBe(r.model.arrays.baseScore);
    expect(r.model.truncated(1000).treeCount).toBe(40);
  });

  it('rejects malformed input with a coded error', () => {
    const d = xorData(10, 1);
    expect(() => trainGbdt({ ...d, labels: new Float64Array(3) }, {}, { seed: 1 })).toThrow(MagpieError);
    expect(() => trainGbdt(d, { objective: 'lambdamart' }, { seed: 1 })).toThrow(/query groups/);
  });
});

describe('determinism and serialisation', () => {
  it('gives identical models for a seed, and different ones for another seed', () => {
    const train = xorData(2000, 4);
    const a = trainGbdt(train, { ...fast, objective: 'binary', trees: 30, featureSubsample: 0.6 }, { seed: 11 }).model.serialize();
    const b = trainGbdt(train, { ...fast, objective: 'binary', trees: 30, featureSubsample: 0.6 }, { seed: 11 }).model.serialize();
    const c = trainGbdt(train, { ...fast, objective: 'binary', trees: 30, featureSubsample: 0.6 }, { seed: 12 }).model.serialize();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('round-trips through bytes with identical predictions and names', () => {
    const train = xorData(2000, 4);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const { model } = trainGbdt(train, { ...fast, objective: 'binary', trees: 40 }, { seed: 3, featureNames: names });
    const bytes = model.serialize();
    const copy = GbdtModel.deserialize(bytes);
    const test = xorData(500, 8);
    test.features.values[3] = NaN;
    expect(Array.from(copy.predict(test.features))).toEqual(Array.from(model.predict(test.features)));
    // The batch path (four rows in lockstep, odd tail) sums exactly what predictRow does, NaN included.
    const batch = model.predict({ ...test.features, rows: 499 });
    for (let r = 0; r < 499; r++) expect(batch[r]).toBe(model.predictRow(test.features.values, r * test.features.cols));
    expect(copy.featureNames).toEqual(names);
    expect(copy.objective).toBe('binary');
    expect(copy.featureImportance()).toEqual(model.featureImportance());
    // A model reads back from an unaligned offset inside a bigger buffer too.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(GbdtModel.deserialize(shifted.subarray(3)).predictRow(test.features.values)).toBe(model.predictRow(test.features.values));
  });

  it('refuses corrupt bytes with CORRUPT_MODEL', () => {
    const { model } = trainGbdt(xorData(500, 1), { ...fast, objective: 'binary', trees: 5 }, { seed: 1 });
    const bytes = model.serialize();
    const bad = (b: Uint8Array): unknown => {
      try {
        GbdtModel.deserialize(b);
        return null;
      } catch (err) {
        return (err as MagpieError).code;
      }
    };
    expect(bad(bytes.subarray(0, bytes.length - 1))).toBe('CORRUPT_MODEL');
    const magic = bytes.slice();
    magic[0] = 0;
    expect(bad(magic)).toBe('CORRUPT_MODEL');
  });

  it('predicts one row in a tight loop fast enough for serving', () => {
    const train = xorData(5000, 4, 18);
    const { model } = trainGbdt(train, { ...fast, objective: 'binary', trees: 200, learningRate: 0.05, maxLeaves: 31 }, { seed: 3 });
    expect(model.treeCount).toBeGreaterThan(100);
    const test = xorData(20_000, 5, 18);
    const t0 = performance.now();
    const out = model.predict(test.features);
    const seconds = (performance.now() - t0) / 1000;
    expect(out.every(Number.isFinite)).toBe(true);
    // ~1 µs per row and 100 trees would be 1M rows/s; a loose floor for shared CI machines.
    expect(test.features.rows / seconds).toBeGreaterThan(20_000);
  });
});

describe('LambdaMART', () => {
  /**
   * Query groups of 40 documents with three features: relevance needs two of them at once
   * (high x0 and x1 near 0.5) and x2 is noise, so no single feature ranks well.
   */
  function rankingGroups(queries: number, seed: number): GbdtDataset & { groups: Int32Array } {
    const rng = new Rng(seed);
    const per = 40;
    const rows = queries * per;
    const values = new Float64Array(rows * 3);
    const labels = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const x0 = rng.next();
      const x1 = rng.next();
      values.set([x0, x1, rng.next()], r * 3);
      const u = x0 * (1 - 2 * Math.abs(x1 - 0.5)) + 0.15 * rng.normal();
      labels[r] = u > 0.6 ? 2 : u > 0.4 ? 1 : 0;
    }
    return { features: { rows, cols: 3, values }, labels, groups: Int32Array.from({ length: queries + 1 }, (_, q) => q * per) };
  }

  it('ranks better than the best single feature', () => {
    const train = rankingGroups(300, 1);
    const valid = rankingGroups(100, 2);
    const test = rankingGroups(300, 3);
    const opts = { ndcgAt: 10, lambdaTruncation: 30, sigma: 1, normalizeLambdas: true };
    const judge = new LambdaMart(test.labels, test.groups, opts);
    const singles = [0, 1, 2].map((f) => judge.meanNdcg(Float64Array.from({ length: test.features.rows }, (_, r) => test.features.values[r * 3 + f]!)));
    const { model, history } = trainGbdt(train, { objective: 'lambdamart', trees: 200, learningRate: 0.1, maxLeaves: 15 }, { seed: 5, valid });
    const learned = judge.meanNdcg(model.predict(test.features));
    expect(history[0]!.metric).toBe('ndcg@10');
    expect(learned).toBeGreaterThan(Math.max(...singles) + 0.1);
  });

  it('gives zero lambdas to a query without relevant rows and pushes relevant rows up', () => {
    const labels = Float64Array.from([0, 0, 0, 1, 0, 0]);
    const groups = Int32Array.from([0, 3, 6]);
    const lm = new LambdaMart(labels, groups, { ndcgAt: 10, lambdaTruncation: 30, sigma: 1, normalizeLambdas: false });
    const grad = new Float64Array(6);
    const hess = new Float64Array(6);
    lm.gradients(new Float64Array(6), grad, hess);
    expect(Array.from(grad.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(grad[3]).toBeLessThan(0); // a negative gradient raises the score
    expect(grad[4]! + grad[5]!).toBeCloseTo(-grad[3]!, 12);
    expect(hess[3]).toBeGreaterThan(0);
  });
});
