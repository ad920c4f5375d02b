import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { gemv } from '../blas.js';
import { DenseScorer } from './dense-scorer.js';
import { KernelMemory, wasmKernelsEnabled } from './kernel-memory.js';
import {
  collectBetweenReference,
  gemvRow,
  paddedDim,
  quantizeQuery,
  queryCodeRange,
  quantizeRows,
  scoreI8Reference,
} from './quantized-reference.js';
import { QuantizedScorer } from './quantized-scorer.js';

const enabled = wasmKernelsEnabled();
const why = 'the WASM SIMD kernels are disabled here (MAGPIE_KERNELS=js or no WASM SIMD)';

/** n×k Gaussian rows with some all-zero rows, some tiny, some huge and some ±127-saturating. */
function awkwardRows(n: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const y = Float32Array.from({ length: n * k }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    const row = y.subarray(i * k, (i + 1) * k);
    if (i % 7 === 3) row.fill(0);
    if (i % 11 === 5) row.forEach((v, t) => (row[t] = v * 1e-30));
    if (i % 13 === 6) row.forEach((v, t) => (row[t] = v * 1e25));
    if (i % 5 === 1) row.forEach((v, t) => (row[t] = t % 2 === 0 ? 3 : -3)); // every code ±127
  }
  return y;
}

function exactDot(y: Float32Array, i: number, k: number, q: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < k; t++) s += y[i * k + t]! * q[t]!;
  return s;
}

describe('int8 quantisation (plain TypeScript)', () => {
  it('pads rows to whole SIMD vectors and keeps the query sum inside i32', () => {
    expect([1, 15, 16, 17, 64, 100, 128].map(paddedDim)).toEqual([16, 16, 16, 32, 64, 112, 128]);
    for (const kp of [16, 128, 512, 1024, 4096]) expect(127 * queryCodeRange(kp) * kp).toBeLessThan(2 ** 31);
    expect(queryCodeRange(128)).toBe(32767);
  });

  it('codes rows symmetrically within ±127 and reports their exact residuals', () => {
    const n = 40;
    const k = 13;
    const y = awkwardRows(n, k, 1);
    const rows = quantizeRows(y, n, k);
    const kp = paddedDim(k);
    for (let i = 0; i < n; i++) {
      let max = 0;
      let res = 0;
      let norm = 0;
      for (let t = 0; t < k; t++) max = Math.max(max, Math.abs(y[i * k + t]!));
      const scale = rows.scales[i]!;
      expect(scale).toBe(Math.fround(max / 127));
      for (let t = 0; t < kp; t++) {
        const c = rows.codes[i * kp + t]!;
        expect(Math.abs(c)).toBeLessThanOrEqual(t < k ? 127 : 0);
        if (t >= k) continue;
        const d = y[i * k + t]! - scale * c;
        expect(Math.abs(d)).toBeLessThanOrEqual(scale / 2 + 1e-45);
        res += d * d;
        norm += y[i * k + t]! ** 2;
      }
      expect(rows.residualNorms[i]).toBeCloseTo(Math.sqrt(res), 12);
      expect(rows.rowNorms[i]).toBeCloseTo(Math.sqrt(norm), 6);
      if (max === 0) expect([scale, rows.codeNorms[i], rows.residualNorms[i]]).toEqual([0, 0, 0]);
    }
  });

  it('codes a query within its range and gives scale 0 for a zero query', () => {
    const rng = new Rng(2);
    const q = Float64Array.from({ length: 37 }, () => rng.normal() * 1e3);
    const codes = new Int16Array(48);
    const { scale, residualNorm } = quantizeQuery(q, 48, codes);
    let res = 0;
    q.forEach((v, t) => (res += (v - scale * codes[t]!) ** 2));
    expect(Math.max(...Array.from(codes, Math.abs))).toBe(queryCodeRange(48));
    expect(Array.from(codes.subarray(37))).toEqual(new Array(11).fill(0));
    expect(residualNorm).toBeCloseTo(Math.sqrt(res), 12);
    expect(quantizeQuery(new Float32Array(5), 16, new Int16Array(16)).scale).toBe(0);
  });

  it('estimates every score within the residual bound', () => {
    const n = 300;
    const k = 50;
    const rng = new Rng(3);
    const y = awkwardRows(n, k, 4);
    const rows = quantizeRows(y, n, k);
    const kp = paddedDim(k);
    for (let r = 0; r < 5; r++) {
      const q = Float32Array.from({ length: k }, () => rng.normal() * (r + 1));
      const codes = new Int16Array(kp);
      const qc = quantizeQuery(q, kp, codes);
      const qNorm = Math.hypot(...q);
      const est = new Float32Array(n);
      scoreI8Reference(rows.codes, n, kp, codes, rows.scales, qc.scale, est);
      for (let i = 0; i < n; i++) {
        const bound = rows.residualNorms[i]! * qNorm + rows.codeNorms[i]! * qc.residualNorm;
        const exact = exactDot(y, i, k, q);
        expect(Math.abs(est[i]! - exact)).toBeLessThanOrEqual(bound * (1 + 1e-5) + 1e-6 * Math.abs(exact) + 1e-40);
      }
    }
  });

  it('gemvRow is the value gemv writes, row by row', () => {
    const rng = new Rng(5);
    for (const [m, n] of [[7, 5], [9, 16], [4, 3]] as const) {
      const a = Float32Array.from({ length: m * n }, () => rng.normal());
      const x = Float64Array.from({ length: n }, () => rng.normal());
      const out = new Float32Array(m);
      gemv(m, n, 1, a, x, 0, out);
      for (let r = 0; r < m; r++) expect(Math.fround(gemvRow(a, m, n, r, x))).toBe(out[r]);
    }
  });
});

// n not a multiple of 4 sends rows down both paths of each kernel; k not a multiple of 16 pads.
const SHAPES: Array<[number, number]> = [[1, 1], [3, 16], [5, 17], [37, 13], [1001, 64], [515, 128], [203, 200]];

describe.skipIf(!enabled)(`int8 scan kernels agree with their references (skipped when ${why})`, () => {
  it.each(SHAPES)('scoreI8 equals scoreI8Reference bit for bit for %i×%i', (n, k) => {
    const rng = new Rng(n * 17 + k);
    const y = awkwardRows(n, k, n + k);
    const rows = quantizeRows(y, n, k);
    const kp = paddedDim(k);
    const mem = KernelMemory.create()!;
    const codesPtr = mem.put(rows.codes);
    const scalesPtr = mem.put(rows.scales);
    const qPtr = mem.alloc(2 * kp);
    const outPtr = mem.alloc(4 * n);
    const queries = [
      Float32Array.from({ length: k }, () => rng.normal()),
      Float32Array.from({ length: k }, () => -Math.abs(rng.normal()) * 1e20),
      Float32Array.from({ length: k }, (_, t) => (t % 2 === 0 ? 1 : -1)), // every code at ±range
    ];
    for (const q of queries) {
      const codes = new Int16Array(kp);
      const { scale } = quantizeQuery(q, kp, codes);
      mem.i16(qPtr, kp).set(codes);
      const want = new Float32Array(n);
      scoreI8Reference(rows.codes, n, kp, codes, rows.scales, scale, want);
      mem.exports.scoreI8(codesPtr, n, kp, qPtr, scalesPtr, scale, outPtr);
      expect(Array.from(mem.f32(outPtr, n))).toEqual(Array.from(want));
    }
  });

  it('scoreI8 does not overflow at the extreme codes (±127 rows, ±range query)', () => {
    const k = 512;
    const n = 6;
    const y = Float32Array.from({ length: n * k }, (_, j) => (Math.floor(j / k) % 2 === 0 ? 1 : -1));
    const scorer = new QuantizedScorer(y, n, k);
    const q = scorer.prepare(new Float32Array(k).fill(1));
    const est = Array.from(scorer.approximate(q));
    expect(est.map((s) => Math.round(s))).toEqual([512, -512, 512, -512, 512, -512]);
  });

  it.each(SHAPES)('scoreRowsF32 gives the listed rows exactly the scores of scoreF32 (%i×%i)', (n, k) => {
    const rng = new Rng(n + 3 * k);
    const y = awkwardRows(n, k, 7 * n + k);
    const u = Float64Array.from({ length: k }, () => rng.normal());
    const full = new Float32Array(n);
    new DenseScorer(y, n, k).score(u, full);
    const scorer = new QuantizedScorer(y, n, k);
    scorer.prepare(u);
    const rows = Int32Array.from({ length: 2 * n }, () => rng.int(n)); // repeats allowed
    const got = new Float32Array(rows.length);
    scorer.exactRows(rows, rows.length, got);
    rows.forEach((r, j) => expect(Object.is(got[j], full[r])).toBe(true));
    const all = new Float32Array(n);
    scorer.exactAll(all);
    expect(Array.from(all)).toEqual(Array.from(full));
  });

  it('collectBetween returns the indices in (lo, hi], as the reference does', () => {
    const rng = new Rng(9);
    for (const n of [1, 4, 7, 1000, 1003]) {
      const y = Float32Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 4); // many ties
      const scorer = new QuantizedScorer(y, n, 1);
      const est = scorer.approximate(scorer.prepare(Float32Array.of(1)));
      for (const [lo, hi] of [[0, 0.5], [-Infinity, Infinity], [0.25, 0.25], [-1, 2], [1.1, 0.3]] as const) {
        const want = new Int32Array(n);
        const m = collectBetweenReference(est, n, lo, hi, want);
        expect(Array.from(scorer.collect(lo, hi))).toEqual(Array.from(want.subarray(0, m)));
        for (const i of want.subarray(0, m)) expect(est[i]! > lo && est[i]! <= hi).toBe(true);
      }
    }
  });
});
