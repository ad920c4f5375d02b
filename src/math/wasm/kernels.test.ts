import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { gemv, gram } from '../blas.js';
import { DenseScorer } from './dense-scorer.js';
import { KernelMemory, wasmKernelsEnabled } from './kernel-memory.js';

const enabled = wasmKernelsEnabled();
const why = 'the WASM SIMD kernels are disabled here (MAGPIE_KERNELS=js or no WASM SIMD): the reference path runs instead';

function random(n: number, rng: Rng, type: 'f32' | 'f64' = 'f32'): Float32Array | Float64Array {
  const out = type === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

// Odd shapes exercise every SIMD tail; k = 64 and 128 are the common factor counts.
const SHAPES: Array<[number, number]> = [[1, 1], [7, 3], [37, 13], [1001, 64], [515, 128]];

describe.skipIf(!enabled)(`WASM SIMD kernels agree with the TypeScript reference (${why} when skipped)`, () => {
  it.each(SHAPES)('scoreF32 = gemv for %i×%i', (n, k) => {
    const rng = new Rng(n * 31 + k);
    const y = random(n * k, rng) as Float32Array;
    const u = random(k, rng, 'f64');
    const ref = new Float32Array(n);
    const got = new Float32Array(n);
    gemv(n, k, 1, y, u, 0, ref);
    const scorer = new DenseScorer(y, n, k);
    expect(scorer.usesWasm).toBe(true);
    scorer.score(u, got);
    expect(maxRelDiff(got, ref)).toBeLessThan(1e-5);
  });

  it.each(SHAPES)('gramF32 = gram (plain and row-weighted) for %i×%i', (n, k) => {
    const rng = new Rng(n + 7 * k);
    const y = random(n * k, rng) as Float32Array;
    const w = Float64Array.from({ length: n }, () => rng.next() * 2);
    const mem = KernelMemory.create()!;
    const yp = mem.put(y);
    const wp = mem.put(w);
    const out = mem.alloc(8 * k * k);
    for (const weights of [undefined, w]) {
      const ref = gram(y, n, k, new Float64Array(k * k), weights);
      mem.exports.gramF32(yp, n, k, weights ? wp : 0, out);
      expect(maxRelDiff(mem.f64(out, k * k), ref)).toBeLessThan(1e-9);
    }
  });

  it.each(SHAPES)('scoreF32 and addTransposedMatVecF32 match plain loops for %i×%i', (m, k) => {
    const rng = new Rng(m * k + 5);
    const g = random(m * k, rng) as Float32Array;
    const v = random(k, rng) as Float32Array;
    const w = random(m, rng) as Float32Array;
    const start = random(k, rng) as Float32Array;
    const mv = new Float64Array(m);
    const tmv = Float64Array.from(start);
    for (let r = 0; r < m; r++) {
      for (let t = 0; t < k; t++) {
        mv[r] = mv[r]! + g[r * k + t]! * v[t]!;
        tmv[t] = tmv[t]! + w[r]! * g[r * k + t]!;
      }
    }
    const mem = KernelMemory.create()!;
    const [gp, vp, wp] = [mem.put(g), mem.put(v), mem.put(w)];
    const mvp = mem.alloc(4 * m);
    const tmvp = mem.put(start);
    mem.exports.scoreF32(gp, m, k, vp, mvp);
    mem.exports.addTransposedMatVecF32(gp, m, k, wp, tmvp);
    expect(maxRelDiff(mem.f32(mvp, m), mv)).toBeLessThan(1e-4);
    expect(maxRelDiff(mem.f32(tmvp, k), tmv)).toBeLessThan(1e-4);
  });

  it('keeps earlier allocations intact when memory grows', () => {
    const mem = KernelMemory.create()!;
    const first = mem.put(Float32Array.of(1, 2, 3));
    mem.alloc(64 * 1024 * 1024);
    expect(Array.from(mem.f32(first, 3))).toEqual([1, 2, 3]);
  });
});
