import { beforeAll, describe, expect, it } from 'vitest';
import { MagpieError } from '../../core/index.js';
import { dot } from '../blas.js';
import { topK } from '../topk.js';
import {
  calibrateExpansion,
  createVectorIndex,
  DEFAULT_HNSW_PARAMS,
  ExactVectorIndex,
  UsearchVectorIndex,
  type VectorIndex,
} from './index.js';
import { clusteredVectors } from './testing/clustered-vectors.js';

const rows = (m: Float32Array, n: number, dim: number): Float32Array[] =>
  Array.from({ length: n }, (_, i) => m.subarray(i * dim, (i + 1) * dim));

function plainScores(items: Float32Array, n: number, dim: number, q: Float32Array): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => dot(items, i * dim, q, 0, dim));
}

function recallAt(k: number, truth: VectorIndex, approx: VectorIndex, queries: Float32Array[], skip?: (i: number) => boolean): number {
  let hits = 0;
  for (const q of queries) {
    const want = new Set(truth.search(q, k, skip).indices);
    for (const i of approx.search(q, k, skip).indices) if (want.has(i)) hits++;
  }
  return hits / (queries.length * k);
}

function expectMagpieError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MagpieError);
    expect((err as MagpieError).code).toBe(code);
    return;
  }
  throw new Error('expected a MagpieError');
}

describe('HNSW recall on clustered vectors (10,000 × 64, default parameters)', () => {
  const n = 10_000;
  const dim = 64;
  const items = clusteredVectors(1, n, dim);
  const queries = rows(clusteredVectors(2, 200, dim), 200, dim);
  let exact: ExactVectorIndex;
  let hnsw: UsearchVectorIndex;

  beforeAll(() => {
    exact = new ExactVectorIndex(items, n, dim);
    hnsw = new UsearchVectorIndex(items, n, dim);
  });

  it('reaches recall@100 ≥ 0.98 against exact search over 200 queries', () => {
    expect(hnsw.kind).toBe('hnsw');
    expect(hnsw.expansionSearch).toBe(DEFAULT_HNSW_PARAMS.expansionSearch);
    expect(recallAt(100, exact, hnsw, queries)).toBeGreaterThanOrEqual(0.98);
  });

  it('returns exact inner products, best first', () => {
    for (const q of queries.slice(0, 20)) {
      const r = hnsw.search(q, 50);
      expect(r.indices.length).toBe(50);
      for (let j = 0; j < 50; j++) {
        expect(r.scores[j]).toBeCloseTo(dot(items, r.indices[j]! * dim, q, 0, dim), 3);
        if (j > 0) expect(r.scores[j]!).toBeLessThanOrEqual(r.scores[j - 1]!);
      }
    }
  });

  it('still returns k results, none excluded, when a user has seen many of the best items', () => {
    for (const q of queries.slice(0, 20)) {
      // Exclude the 300 best items plus every third item: more than efSearch candidates go.
      const best = new Set(exact.search(q, 300).indices);
      const skip = (i: number): boolean => best.has(i) || i % 3 === 0;
      const r = hnsw.search(q, 100, skip);
      expect(r.indices.length).toBe(100);
      for (const i of r.indices) expect(skip(i)).toBe(false);
    }
    const seen = new Set(Array.from({ length: 500 }, (_, j) => j * 7));
    expect(recallAt(100, exact, hnsw, queries.slice(0, 50), (i) => seen.has(i))).toBeGreaterThanOrEqual(0.98);
  });

  it('answers with k results even when nearly every item is excluded', () => {
    const r = hnsw.search(queries[0]!, 10, (i) => i % 1000 !== 0);
    expect(Array.from(r.indices).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, j) => j * 1000));
  });

  it('accepts a Float64Array query', () => {
    const q = queries[3]!;
    expect(hnsw.search(Float64Array.from(q), 10).indices).toEqual(hnsw.search(q, 10).indices);
  });
});

describe('ExactVectorIndex', () => {
  const n = 500;
  const dim = 16;
  const items = clusteredVectors(5, n, dim);
  const queries = rows(clusteredVectors(6, 10, dim), 10, dim);

  it('equals a plain top-k over plain dot products', () => {
    const index = new ExactVectorIndex(items, n, dim);
    for (const q of queries) {
      const want = topK(plainScores(items, n, dim, q), 25);
      const got = index.search(q, 25);
      expect(got.indices).toEqual(want.indices);
      got.scores.forEach((s, j) => expect(s).toBeCloseTo(want.scores[j]!, 3));
    }
  });

  it('skips excluded items', () => {
    const index = new ExactVectorIndex(items, n, dim);
    const skip = (i: number): boolean => i % 2 === 0;
    const want = topK(plainScores(items, n, dim, queries[0]!), 25, skip);
    expect(index.search(queries[0]!, 25, skip).indices).toEqual(want.indices);
  });

  it('ranks by cosine under metric cos and never returns zero vectors', () => {
    const withZero = items.slice();
    withZero.fill(0, 7 * dim, 8 * dim);
    const index = new ExactVectorIndex(withZero, n, dim, 'cos');
    const q = queries[1]!;
    const qn = Math.sqrt(dot(q, 0, q, 0, dim));
    const cos = Float64Array.from({ length: n }, (_, i) => {
      const yn = Math.sqrt(dot(withZero, i * dim, withZero, i * dim, dim));
      return yn === 0 ? -Infinity : dot(withZero, i * dim, q, 0, dim) / (yn * qn);
    });
    const got = index.search(q, n);
    expect(got.indices.length).toBe(n - 1);
    expect(got.indices).not.toContain(7);
    expect(got.indices.subarray(0, 20)).toEqual(topK(cos, 20).indices);
    expect(index.search(new Float32Array(dim), 5).indices.length).toBe(0);
  });
});

describe('UsearchVectorIndex behaviour', () => {
  const n = 3000;
  const dim = 16;
  const items = clusteredVectors(7, n, dim);
  const queries = rows(clusteredVectors(8, 30, dim), 30, dim);
  const small = { connectivity: 16, expansionAdd: 64, expansionSearch: 32 };

  it('builds the same graph twice: identical answers (single-threaded build)', () => {
    const a = new UsearchVectorIndex(items, n, dim, 'ip', small);
    const b = new UsearchVectorIndex(items, n, dim, 'ip', small);
    for (const q of queries) expect(b.search(q, 20).indices).toEqual(a.search(q, 20).indices);
  });

  it('uses a lowered or raised efSearch without a rebuild', () => {
    const index = new UsearchVectorIndex(items, n, dim, 'ip', { ...small, connectivity: 8, expansionAdd: 16 });
    const exact = new ExactVectorIndex(items, n, dim);
    index.expansionSearch = 10;
    const low = recallAt(10, exact, index, queries);
    index.expansionSearch = 1000;
    const high = recallAt(10, exact, index, queries);
    expect(high).toBeGreaterThan(low);
    expect(high).toBeGreaterThanOrEqual(0.97);
  });

  it('ranks by cosine under metric cos, leaving zero vectors out of the graph', () => {
    const withZero = items.slice();
    withZero.fill(0, 11 * dim, 12 * dim);
    const index = new UsearchVectorIndex(withZero, n, dim, 'cos');
    const exact = new ExactVectorIndex(withZero, n, dim, 'cos');
    expect(index.indexed).toBe(n - 1);
    expect(recallAt(10, exact, index, queries)).toBeGreaterThanOrEqual(0.95);
    const all = index.search(queries[0]!, n);
    expect(all.indices.length).toBe(n - 1);
    expect(all.indices).not.toContain(11);
  });

  it('calibrateExpansion finds an efSearch that reaches the target recall', () => {
    const weak = { connectivity: 4, expansionAdd: 8, expansionSearch: 1 };
    const index = new UsearchVectorIndex(items, n, dim, 'ip', weak);
    const exact = new ExactVectorIndex(items, n, dim);
    const sample = rows(clusteredVectors(9, 30, dim), 30, dim);
    const c = calibrateExpansion(index, sample, { k: 20, targetRecall: 0.97 });
    expect(c.reachedTarget).toBe(true);
    expect(c.recallLowerBound).toBeGreaterThanOrEqual(0.97);
    expect(c.recall).toBeGreaterThanOrEqual(c.recallLowerBound);
    expect(index.expansionSearch).toBe(c.expansionSearch);
    expect(recallAt(20, exact, index, queries)).toBeGreaterThanOrEqual(0.93);
    // A ceiling too low for the target: reported, and the index is left at the ceiling.
    const capped = calibrateExpansion(index, sample, { k: 20, targetRecall: 0.999, maxExpansion: 20 });
    expect(capped).toMatchObject({ reachedTarget: false, expansionSearch: 20 });
    expect(index.expansionSearch).toBe(20);
  });

  it('rejects bad graph parameters', () => {
    expectMagpieError(() => new UsearchVectorIndex(items, n, dim, 'ip', { connectivity: 1 }), 'VALIDATION_FAILED');
    expectMagpieError(() => new UsearchVectorIndex(items, n, dim, 'ip', { expansionSearch: 2.5 }), 'VALIDATION_FAILED');
  });
});

describe('every kind of index', () => {
  const dim = 8;
  const items = clusteredVectors(11, 40, dim);
  const kinds = ['exact', 'hnsw'] as const;

  it.each(kinds)('%s: k beyond the size returns every item, best first', (kind) => {
    const index = createVectorIndex(items, 40, dim, { kind });
    const q = items.subarray(0, dim);
    const r = index.search(q, 1000);
    expect(r.indices.length).toBe(40);
    expect(r.indices).toEqual(topK(plainScores(items, 40, dim, q), 40).indices);
    expect(index.search(q, 0).indices.length).toBe(0);
    expect(index.search(q, 2.7).indices).toEqual(r.indices.subarray(0, 2));
  });

  it.each(kinds)('%s: an empty index answers with an empty list', (kind) => {
    const index = createVectorIndex(new Float32Array(0), 0, dim, { kind });
    expect(index.size).toBe(0);
    expect(index.search(new Float32Array(dim), 10).indices.length).toBe(0);
  });

  it.each(kinds)('%s: a query of the wrong dimension is a VALIDATION_FAILED error', (kind) => {
    const index = createVectorIndex(items, 40, dim, { kind });
    expectMagpieError(() => index.search(new Float32Array(dim + 1), 5), 'VALIDATION_FAILED');
  });

  it.each(kinds)('%s: rejects too few numbers and non-finite ones', (kind) => {
    expectMagpieError(() => createVectorIndex(items, 41, dim, { kind }), 'VALIDATION_FAILED');
    expectMagpieError(() => createVectorIndex(items, 40, 0, { kind }), 'VALIDATION_FAILED');
    const bad = items.slice();
    bad[17] = Number.NaN;
    expectMagpieError(() => createVectorIndex(bad, 40, dim, { kind }), 'VALIDATION_FAILED');
  });

  it('createVectorIndex picks exact below the threshold and HNSW from it on', () => {
    expect(createVectorIndex(items, 40, dim, { exactThreshold: 41 }).kind).toBe('exact');
    expect(createVectorIndex(items, 40, dim, { exactThreshold: 40 }).kind).toBe('hnsw');
    expect(createVectorIndex(items, 40, dim).kind).toBe('exact');
    expect(createVectorIndex(items, 40, dim, { kind: 'hnsw', metric: 'cos' }).metric).toBe('cos');
    expectMagpieError(() => createVectorIndex(items, 40, dim, { exactThreshold: -1 }), 'VALIDATION_FAILED');
  });

  it('seeded vectors are reproducible', () => {
    expect(clusteredVectors(3, 10, 4)).toEqual(clusteredVectors(3, 10, 4));
    expect(clusteredVectors(3, 10, 4)).not.toEqual(clusteredVectors(4, 10, 4));
  });
});
