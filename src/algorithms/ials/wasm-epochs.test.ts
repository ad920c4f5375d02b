import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import { csrFromTriples, transpose, wasmKernelsEnabled, type Csr } from '../../math/index.js';
import { solveHalfStep } from './half-step.js';
import { unobservedItemWeights, weightedGramOf } from './index.js';
import { WasmIalsEpochs } from './wasm-epochs.js';

function fixture(): { byUser: Csr; byItem: Csr; userLambdas: Float64Array; itemLambdas: Float64Array; rng: Rng } {
  const rng = new Rng(11);
  const [users, items] = [60, 45];
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let n = 0; n < 3 + rng.int(9); n++) {
      r.push(u);
      c.push(rng.int(items));
      v.push(1 + rng.int(3));
    }
  }
  const byUser = csrFromTriples(users, items, r, c, v);
  return {
    byUser,
    byItem: transpose(byUser),
    userLambdas: Float64Array.from({ length: users }, () => 0.05 + rng.next()),
    itemLambdas: Float64Array.from({ length: items }, () => 0.05 + rng.next()),
    rng,
  };
}

const K = 13;

describe.skipIf(!wasmKernelsEnabled())('iALS epochs on the WASM kernels (skipped when the WASM SIMD kernels are disabled)', () => {
  it('match the TypeScript half-steps, with uniform and popularity-weighted unobserved terms', async () => {
    const { byUser, byItem, userLambdas, itemLambdas, rng } = fixture();
    const [users, items, k] = [byUser.rows, byItem.rows, K];
    for (const beta of [0, 0.5]) {
      const weights = unobservedItemWeights(byItem, beta);
      const u0 = Float32Array.from({ length: users * k }, () => rng.normal() * 0.1);
      const i0 = Float32Array.from({ length: items * k }, () => rng.normal() * 0.1);
      const [uRef, iRef] = [u0.slice(), i0.slice()];
      const gramBuf = new Float64Array(k * k);
      const half = { k, weightedGram: gramBuf, solver: 'cg' as const, cgSteps: 3 };
      const wasm = (await WasmIalsEpochs.create(byUser, byItem, u0, i0, k, userLambdas, itemLambdas, weights, 3))!;
      for (let epoch = 0; epoch < 3; epoch++) {
        weightedGramOf(iRef, items, k, 0.1, weights, gramBuf);
        solveHalfStep({ ...half, rows: byUser, fixed: iRef, target: uRef, lambdas: userLambdas, gramScales: null });
        weightedGramOf(uRef, users, k, 0.1, null, gramBuf);
        solveHalfStep({ ...half, rows: byItem, fixed: uRef, target: iRef, lambdas: itemLambdas, gramScales: weights });
        wasm.epoch(0.1);
      }
      const [uGot, iGot] = [new Float32Array(users * k), new Float32Array(items * k)];
      wasm.read(uGot, iGot);
      let worst = 0;
      for (let t = 0; t < uGot.length; t++) worst = Math.max(worst, Math.abs(uGot[t]! - uRef[t]!));
      for (let t = 0; t < iGot.length; t++) worst = Math.max(worst, Math.abs(iGot[t]! - iRef[t]!));
      expect(worst).toBeLessThan(1e-4);
      expect(uGot.some((x) => x !== 0)).toBe(true);
      await wasm.close();
    }
  });

  it('give bit-identical factors on 1, 2 and 3 threads', async () => {
    const { byUser, byItem, userLambdas, itemLambdas, rng } = fixture();
    const u0 = Float32Array.from({ length: byUser.rows * K }, () => rng.normal() * 0.1);
    const i0 = Float32Array.from({ length: byItem.rows * K }, () => rng.normal() * 0.1);
    const results: Float32Array[] = [];
    for (const threads of [1, 2, 3]) {
      const wasm = (await WasmIalsEpochs.create(byUser, byItem, u0, i0, K, userLambdas, itemLambdas, null, 3, threads))!;
      for (let epoch = 0; epoch < 3; epoch++) wasm.epoch(0.1);
      const [u, i] = [new Float32Array(u0.length), new Float32Array(i0.length)];
      wasm.read(u, i);
      await wasm.close();
      results.push(Float32Array.of(...u, ...i));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
