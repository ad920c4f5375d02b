import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { choleskyFactor, choleskySolve, wasmKernelsEnabled } from '../../math/index.js';
import { randomSpd } from '../../math/testing/random-spd.js';
import { blockUpdateFor, ReferenceBlockUpdate, WasmBlockUpdate } from './block-update.js';
import { BlockedMatrix, type Precision } from './blocked-matrix.js';
import { sweepInvert } from './sweep.js';

/** A⁻¹ column by column with the reference Cholesky of src/math. */
function directInverse(a: Float64Array, n: number): Float64Array {
  const l = a.slice();
  choleskyFactor(l, n);
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    choleskySolve(l, n, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = e[i]!;
  }
  return inv;
}

/** max |x − y| / max |y|. */
function relativeError(x: Float64Array, y: Float64Array): number {
  let diff = 0;
  let scale = 0;
  for (let t = 0; t < y.length; t++) {
    diff = Math.max(diff, Math.abs(x[t]! - y[t]!));
    scale = Math.max(scale, Math.abs(y[t]!));
  }
  return diff / scale;
}

async function sweptInverse(a: Float64Array, n: number, block: number, precision: Precision, kernels: 'auto' | 'ts'): Promise<Float64Array> {
  const m = BlockedMatrix.fromDense(a, n, block, precision);
  await sweepInvert(m, { update: await blockUpdateFor(m, kernels) });
  // The sweep leaves −A⁻¹.
  return m.toDense().map((v) => -v);
}

describe('BlockedMatrix', () => {
  it('stores a symmetric matrix in lower tiles, padded with identity', () => {
    const rng = new Rng(1);
    const a = randomSpd(rng, 10);
    const m = BlockedMatrix.fromDense(a, 10, 3, 'f64');
    expect(m.tiles).toBe(4);
    expect(m.padded).toBe(12);
    expect(m.panels.map((p) => p.length)).toEqual([9, 18, 27, 36]);
    expect(Array.from(m.toDense())).toEqual(Array.from(a));
    expect(m.get(2, 7)).toBe(a[2 * 10 + 7]);
    expect(m.get(11, 11)).toBe(1);
    expect(m.get(11, 10)).toBe(0);
    m.add(4, 8, 1);
    expect(m.get(8, 4)).toBeCloseTo(a[4 * 10 + 8]! + 1, 12);
  });
});

describe('sweep inversion', () => {
  it('equals the direct Cholesky inverse (f64, reference kernel)', async () => {
    const rng = new Rng(2);
    for (const [n, block] of [
      [1, 1],
      [7, 2],
      [10, 3],
      [33, 8],
    ] as const) {
      const a = randomSpd(rng, n);
      expect(relativeError(await sweptInverse(a, n, block, 'f64', 'ts'), directInverse(a, n))).toBeLessThan(1e-10);
    }
  });

  it('gives the same inverse with tiny panels as unblocked (one panel)', async () => {
    const a = randomSpd(new Rng(3), 10);
    const tiny = await sweptInverse(a, 10, 3, 'f64', 'ts');
    const whole = await sweptInverse(a, 10, 10, 'f64', 'ts');
    expect(relativeError(tiny, whole)).toBeLessThan(1e-12);
  });

  it('in f32 stays within single-precision rounding of the f64 inverse', async () => {
    const a = randomSpd(new Rng(4), 40, 1);
    const exact = directInverse(a, 40);
    expect(relativeError(await sweptInverse(a, 40, 8, 'f32', 'ts'), exact)).toBeLessThan(1e-4);
  });

  it('WASM SIMD kernel agrees with the TypeScript reference', async () => {
    const a = randomSpd(new Rng(5), 50, 1);
    const m = BlockedMatrix.fromDense(a, 50, 16, 'f32');
    const wasm = await WasmBlockUpdate.create(m);
    // The kernel ships in the build (assembly/dense.ts); only MAGPIE_KERNELS=js turns it off.
    expect(wasm !== null).toBe(wasmKernelsEnabled());
    if (!wasm) return;
    await sweepInvert(m, { update: wasm });
    const ref = BlockedMatrix.fromDense(a, 50, 16, 'f32');
    await sweepInvert(ref, { update: new ReferenceBlockUpdate(ref) });
    expect(relativeError(m.toDense(), ref.toDense())).toBeLessThan(1e-5);
    expect(relativeError(m.toDense().map((v) => -v), directInverse(a, 50))).toBeLessThan(1e-4);
  });

  it('gives bit-identical results on three threads and on one', async () => {
    if (!wasmKernelsEnabled()) return;
    const a = randomSpd(new Rng(6), 100, 1);
    const one = BlockedMatrix.fromDense(a, 100, 8, 'f32', true);
    const three = BlockedMatrix.fromDense(a, 100, 8, 'f32', true);
    const single = (await WasmBlockUpdate.create(one, 1))!;
    const threaded = (await WasmBlockUpdate.create(three, 3))!;
    expect([single.threads, threaded.threads]).toEqual([1, 3]);
    try {
      await sweepInvert(one, { update: single });
      await sweepInvert(three, { update: threaded });
    } finally {
      await threaded.close();
    }
    for (let r = 0; r < one.tiles; r++) expect(Buffer.from(three.panels[r]!.buffer).equals(Buffer.from(one.panels[r]!.buffer))).toBe(true);
    expect(relativeError(one.toDense().map((v) => -v), directInverse(a, 100))).toBeLessThan(1e-4);
  });

  it('falls back to the reference for f64 and for blocks that are not a multiple of 8', async () => {
    expect((await blockUpdateFor(new BlockedMatrix(10, 3, 'f32'))).name).toBe('ts');
    expect((await blockUpdateFor(new BlockedMatrix(10, 8, 'f64'))).name).toBe('ts');
  });

  it('reports each pivot and stops when the callback throws', async () => {
    const m = BlockedMatrix.fromDense(randomSpd(new Rng(6), 9), 9, 3, 'f64');
    const seen: number[] = [];
    await sweepInvert(m, { update: await blockUpdateFor(m), onPivot: (done, total) => void seen.push(done, total) });
    expect(seen).toEqual([1, 3, 2, 3, 3, 3]);
    const again = BlockedMatrix.fromDense(randomSpd(new Rng(6), 9), 9, 3, 'f64');
    const stop = new AbortController();
    stop.abort();
    await expect(
      sweepInvert(again, { update: await blockUpdateFor(again), onPivot: () => stop.signal.throwIfAborted() }),
    ).rejects.toThrow();
  });
});
