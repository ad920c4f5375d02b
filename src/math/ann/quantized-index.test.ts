import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MagpieError, Rng } from '../../core/index.js';
import type { ScoredList } from '../score-heap.js';
import { createVectorIndex, ExactVectorIndex, QuantizedVectorIndex, type VectorIndex } from './index.js';
import { wasmKernelsEnabled } from '../wasm/index.js';
import { useQuantizedScan } from './create.js';
import { clusteredVectors } from './testing/clustered-vectors.js';

/*
 * The guarantee under test: QuantizedVectorIndex answers exactly what ExactVectorIndex answers
 * — the same items in the same order with bit-identical scores, so recall@k is 1 on any data,
 * ties included — because the int8 pass only proposes candidates and its error is bounded.
 */

function gaussian(seed: number, count: number, dim: number, scale = (): number => 1): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const s = scale();
    for (let t = 0; t < dim; t++) out[i * dim + t] = s * rng.normal();
  }
  return out;
}

const rowsOf = (m: Float32Array, count: number, dim: number): Float32Array[] =>
  Array.from({ length: count }, (_, i) => m.slice(i * dim, (i + 1) * dim));

function expectSame(got: ScoredList, want: ScoredList): void {
  expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
  expect(Array.from(got.scores)).toEqual(Array.from(want.scores)); // Object.is per entry
}

function expectAgree(exact: VectorIndex, quant: VectorIndex, queries: Float32Array[], k: number, skip?: (i: number) => boolean): void {
  for (const q of queries) expectSame(quant.search(q, k, skip), exact.search(q, k, skip));
}

function expectMagpieError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MagpieError);
  expect((caught as MagpieError).code).toBe(code);
}

describe.each([64, 128])('QuantizedVectorIndex equals ExactVectorIndex on Gaussian factors (%i dims)', (dim) => {
  const n = 20_000;
  const items = gaussian(dim, n, dim);
  const queries = rowsOf(gaussian(dim + 1, 30, dim), 30, dim);
  const exact = new ExactVectorIndex(items, n, dim);
  const quant = new QuantizedVectorIndex(items, n, dim);

  it('returns the same top 100 and top 200 (recall 1), mostly from the first pass', () => {
    expectAgree(exact, quant, queries, 100);
    expectAgree(exact, quant, queries, 200);
    expect(quant.stats.searches).toBe(60);
    expect(quant.stats.certified).toBeGreaterThanOrEqual(54);
  });

  it('honours exclude exactly as the f32 scan does', () => {
    const seen = new Set<number>();
    for (const q of queries.slice(0, 5)) for (const i of exact.search(q, 300).indices) seen.add(i); // the best items go
    const skip = (i: number): boolean => seen.has(i) || i % 5 === 0;
    expectAgree(exact, quant, queries, 200, skip);
    for (const q of queries.slice(0, 5)) {
      const r = quant.search(q, 200, skip);
      expect(r.indices.length).toBe(200);
      for (const i of r.indices) expect(skip(i)).toBe(false);
    }
  });
});

describe('QuantizedVectorIndex on adversarial data', () => {
  it('clustered vectors with norms spread over e^±3 (per-item bounds)', () => {
    const n = 12_000;
    const dim = 96;
    const rng = new Rng(41);
    const base = clusteredVectors(40, n, dim);
    for (let i = 0; i < n; i++) {
      const s = Math.exp(1.5 * rng.normal());
      for (let t = 0; t < dim; t++) base[i * dim + t]! *= s;
    }
    const queries = rowsOf(clusteredVectors(42, 20, dim), 20, dim);
    expectAgree(new ExactVectorIndex(base, n, dim), new QuantizedVectorIndex(base, n, dim), queries, 150);
  });

  it('near-ties and exact ties at the k-th score: a second pass settles them, ties go to the lower index', () => {
    const dim = 64;
    const n = 10_000;
    const k = 100;
    const rng = new Rng(43);
    const items = gaussian(44, n, dim);
    const q = gaussian(45, 1, dim);
    const qq = q.reduce((s, v) => s + v * v, 0);
    const tau = new ExactVectorIndex(items, n, dim).search(q, k).scores[k - 1]!;
    // 400 items scoring within 1e-4 of τ, each other's exact copies in pairs, and otherwise
    // pointing anywhere: their int8 estimates cannot tell them apart.
    for (let j = 0; j < 400; j += 2) {
      const i = 37 + 23 * j;
      const noise = Float64Array.from({ length: dim }, () => 3 * rng.normal());
      const along = noise.reduce((s, v, t) => s + v * q[t]!, 0) / qq;
      const target = tau * (1 + 1e-4 * (rng.next() - 0.5));
      for (let t = 0; t < dim; t++) items[i * dim + t] = noise[t]! - along * q[t]! + (target / qq) * q[t]!;
      items.copyWithin((i + 11) * dim, i * dim, (i + 1) * dim);
    }
    const exact = new ExactVectorIndex(items, n, dim);
    const quant = new QuantizedVectorIndex(items, n, dim);
    for (const kk of [k, k + 7, 2 * k]) expectSame(quant.search(q, kk), exact.search(q, kk));
    expect(quant.stats.certified).toBeLessThan(3);
    expect(quant.stats.widened + quant.stats.fullScans).toBeGreaterThan(0);
  });

  it('identical rows everywhere (every score ties): the plain scan answers, lowest indices first', () => {
    const dim = 20;
    const n = 3000;
    const row = gaussian(46, 1, dim);
    const items = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) items.set(row, i * dim);
    const exact = new ExactVectorIndex(items, n, dim);
    const quant = new QuantizedVectorIndex(items, n, dim);
    const q = gaussian(47, 1, dim);
    expectSame(quant.search(q, 50), exact.search(q, 50));
    expect(Array.from(quant.search(q, 5).indices)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a zero query, a Float64Array query, huge and tiny vectors', () => {
    const dim = 33;
    const n = 2000;
    const items = gaussian(48, n, dim, () => 1);
    for (let t = 0; t < dim; t++) {
      items[5 * dim + t]! *= 1e20;
      items[6 * dim + t]! *= 1e-35;
    }
    const exact = new ExactVectorIndex(items, n, dim);
    const quant = new QuantizedVectorIndex(items, n, dim);
    const q = gaussian(49, 1, dim);
    expectSame(quant.search(new Float32Array(dim), 30), exact.search(new Float32Array(dim), 30));
    expectSame(quant.search(Float64Array.from(q, (v) => v / 3), 30), exact.search(Float64Array.from(q, (v) => v / 3), 30));
    expectSame(quant.search(q, 30), exact.search(q, 30));
    expectSame(quant.search(q.map((v) => v * 1e12), 30), exact.search(q.map((v) => v * 1e12), 30));
    expectSame(quant.search(q.map((v) => v * 1e-30), 30), exact.search(q.map((v) => v * 1e-30), 30));
  });

  it('cosine: same answers as the f32 scan, zero vectors never returned', () => {
    const dim = 40;
    const n = 5000;
    const norms = new Rng(51);
    const items = gaussian(50, n, dim, () => Math.exp(norms.normal()));
    items.fill(0, 9 * dim, 10 * dim);
    const exact = new ExactVectorIndex(items, n, dim, 'cos');
    const quant = new QuantizedVectorIndex(items, n, dim, 'cos');
    const queries = rowsOf(gaussian(52, 10, dim), 10, dim);
    expectAgree(exact, quant, queries, 120);
    expectAgree(exact, quant, queries, 120, (i) => i % 3 === 0);
    expect(quant.search(queries[0]!, n).indices.length).toBe(n - 1);
    expect(quant.search(queries[0]!, n).indices).not.toContain(9);
    expect(quant.search(new Float32Array(dim), 5).indices.length).toBe(0);
  });
});

describe('QuantizedVectorIndex agrees with ExactVectorIndex on arbitrary data (property)', () => {
  it('any shape, coarse values (many exact ties), repeated rows, any k and exclusion', () => {
    const shape = fc.record({
      n: fc.integer({ min: 1, max: 2500 }),
      dim: fc.integer({ min: 1, max: 40 }),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
      levels: fc.constantFrom(3, 17, 0), // values on a grid of ±levels (0: continuous)
      k: fc.integer({ min: 1, max: 300 }),
      skipEvery: fc.integer({ min: 0, max: 5 }),
      metric: fc.constantFrom('ip' as const, 'cos' as const),
    });
    fc.assert(
      fc.property(shape, ({ n, dim, seed, levels, k, skipEvery, metric }) => {
        const rng = new Rng(seed);
        const value = (): number => (levels === 0 ? rng.normal() : Math.round(rng.normal() * levels) / levels);
        const items = Float32Array.from({ length: n * dim }, value);
        for (let i = 1; i < n; i += 9) items.copyWithin(i * dim, (i - 1) * dim, i * dim); // duplicates
        const q = Float32Array.from({ length: dim }, value);
        const skip = skipEvery === 0 ? undefined : (i: number): boolean => i % skipEvery === 1;
        const want = new ExactVectorIndex(items, n, dim, metric).search(q, k, skip);
        expectSame(new QuantizedVectorIndex(items, n, dim, metric, { oversample: 1, margin: 0 }).search(q, k, skip), want);
      }),
      { numRuns: 60, seed: 20_251_123 },
    );
  });
});

describe('QuantizedVectorIndex edge cases', () => {
  const dim = 8;
  const items = clusteredVectors(60, 40, dim);
  const exact = new ExactVectorIndex(items, 40, dim);
  const quant = new QuantizedVectorIndex(items, 40, dim);
  const q = items.subarray(0, dim);

  it('k beyond the size, k below 1, fractional k, nearly everything excluded', () => {
    expectSame(quant.search(q, 1000), exact.search(q, 1000));
    expect(quant.search(q, 0).indices.length).toBe(0);
    expectSame(quant.search(q, 2.7), exact.search(q, 2));
    expectSame(quant.search(q, 10, (i) => i !== 7 && i !== 30), exact.search(q, 10, (i) => i !== 7 && i !== 30));
    expect(quant.search(q, 10, () => true).indices.length).toBe(0);
  });

  it('validates like the other indices', () => {
    expect(new QuantizedVectorIndex(new Float32Array(0), 0, dim).search(new Float32Array(dim), 3).indices.length).toBe(0);
    expectMagpieError(() => quant.search(new Float32Array(dim + 1), 5), 'VALIDATION_FAILED');
    expectMagpieError(() => new QuantizedVectorIndex(items, 41, dim), 'VALIDATION_FAILED');
    expectMagpieError(() => new QuantizedVectorIndex(items, 40, dim, 'ip', { oversample: 0.5 }), 'VALIDATION_FAILED');
    expectMagpieError(() => new QuantizedVectorIndex(items, 40, dim, 'ip', { margin: -1 }), 'VALIDATION_FAILED');
  });

  it('small oversample and margin change the work, never the answer', () => {
    const n = 5000;
    const big = clusteredVectors(61, n, 48);
    const tight = new QuantizedVectorIndex(big, n, 48, 'ip', { oversample: 1, margin: 0 });
    const reference = new ExactVectorIndex(big, n, 48);
    expectAgree(reference, tight, rowsOf(clusteredVectors(62, 10, 48), 10, 48), 64);
  });
});

describe('createVectorIndex and the int8 scan', () => {
  const dim = 16;
  const items = clusteredVectors(70, 100, dim);

  it('exactScan forces either scan; auto follows useQuantizedScan', () => {
    expect(createVectorIndex(items, 100, dim, { kind: 'exact', exactScan: 'int8' })).toBeInstanceOf(QuantizedVectorIndex);
    expect(createVectorIndex(items, 100, dim, { kind: 'exact', exactScan: 'f32' })).toBeInstanceOf(ExactVectorIndex);
    const auto = createVectorIndex(items, 100, dim, { kind: 'exact' });
    expect(auto).toBeInstanceOf(useQuantizedScan(100, dim) ? QuantizedVectorIndex : ExactVectorIndex);
    expect(createVectorIndex(items, 100, dim, { kind: 'exact', exactScan: 'int8', metric: 'cos' }).metric).toBe('cos');
  });

  it('the rule takes the int8 scan for large catalogues only, and only with WASM', () => {
    expect(useQuantizedScan(40_981, 128)).toBe(wasmKernelsEnabled());
    expect(useQuantizedScan(40_981, 16)).toBe(wasmKernelsEnabled());
    expect(useQuantizedScan(12_000, 128)).toBe(wasmKernelsEnabled());
    expect(useQuantizedScan(12_000, 64)).toBe(false);
    expect(useQuantizedScan(1_000, 128)).toBe(false);
  });
});
