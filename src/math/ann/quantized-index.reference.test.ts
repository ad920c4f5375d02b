import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../core/index.js';
import { clusteredVectors } from './testing/clustered-vectors.js';

// Without WASM (MAGPIE_KERNELS=js, read once per process at the first kernel use — each test
// file runs in its own process) both indices run their plain-TypeScript references; the int8
// scan must still return exactly the f32 scan's answers.
describe('QuantizedVectorIndex on the plain-TypeScript kernels (MAGPIE_KERNELS=js)', () => {
  beforeAll(() => {
    vi.stubEnv('MAGPIE_KERNELS', 'js');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('returns the f32 scan\'s answers bit for bit, with and without exclusions, ip and cos', async () => {
    const { ExactVectorIndex, QuantizedVectorIndex, useQuantizedScan } = await import('./index.js');
    const n = 4001; // not a multiple of 4: gemv's tail rows too
    const dim = 72;
    const items = clusteredVectors(80, n, dim);
    const rng = new Rng(81);
    const queries = Array.from({ length: 8 }, () => Float64Array.from({ length: dim }, () => rng.normal()));
    for (const metric of ['ip', 'cos'] as const) {
      const exact = new ExactVectorIndex(items, n, dim, metric);
      const quant = new QuantizedVectorIndex(items, n, dim, metric);
      expect(quant.usesWasm).toBe(false);
      for (const q of queries) {
        for (const skip of [undefined, (i: number): boolean => i % 4 === 1]) {
          const want = exact.search(q, 90, skip);
          const got = quant.search(q, 90, skip);
          expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
          expect(Array.from(got.scores)).toEqual(Array.from(want.scores));
        }
      }
    }
    // The rule never picks the int8 scan without WASM: its reference kernels are no faster.
    expect(useQuantizedScan(40_981, 128)).toBe(false);
  });
});
