// GFLOP/s of the hot kernels, plain TypeScript reference against WASM SIMD, in one run.
// Usage: npm run bench:kernels   (medians of 7 repetitions; these machines are noisy)
import { DenseScorer, gemv, gram, KernelMemory, topK, wasmKernelsEnabled } from '../src/math/index.js';
import { Rng } from '../src/core/index.js';

const ITEMS = 40_981; // the Gowalla catalogue
const rng = new Rng(1);
const randomF32 = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

function medianMs(reps: number, run: () => void): number {
  run();
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let q = 0; q < reps; q++) run();
    times.push((performance.now() - t0) / reps);
  }
  return times.sort((a, b) => a - b)[3]!;
}

function row(kernel: string, shape: string, flops: number, jsMs: number, wasmMs: number): void {
  const gf = (ms: number): string => (flops / ms / 1e6).toFixed(2);
  console.log(
    [kernel.padEnd(22), shape.padEnd(14), jsMs.toFixed(3).padStart(9), gf(jsMs).padStart(8), wasmMs.toFixed(3).padStart(9), gf(wasmMs).padStart(8), (jsMs / wasmMs).toFixed(1).padStart(6) + '×'].join('  '),
  );
}

if (!wasmKernelsEnabled()) {
  console.log('WASM kernels disabled (MAGPIE_KERNELS=js or no WASM SIMD): nothing to compare');
  process.exit(0);
}
console.log(`node ${process.version}`);
console.log(['kernel'.padEnd(22), 'shape'.padEnd(14), '   js ms', 'js GF/s', ' wasm ms', 'wasm GF/s', ' speed-up'].join('  '));
for (const k of [64, 128, 256]) {
  const y = randomF32(ITEMS * k);
  const u = Float64Array.from(randomF32(k));
  const out = new Float32Array(ITEMS);
  const scorer = new DenseScorer(y, ITEMS, k);
  const js = medianMs(20, () => gemv(ITEMS, k, 1, y, u, 0, out));
  const wasm = medianMs(20, () => scorer.score(u, out));
  row('score (Y·u)', `${ITEMS}×${k}`, 2 * ITEMS * k, js, wasm);
  const topMs = medianMs(20, () => {
    scorer.score(u, out);
    topK(out, 100);
  });
  console.log(`  score + top-100 with wasm, k=${k}: ${topMs.toFixed(3)} ms`);
}
for (const k of [64, 128]) {
  const y = randomF32(ITEMS * k);
  const mem = KernelMemory.create()!;
  const yp = mem.put(y);
  const gp = mem.alloc(8 * k * k);
  const ref = new Float64Array(k * k);
  const js = medianMs(1, () => gram(y, ITEMS, k, ref));
  const wasm = medianMs(1, () => mem.exports.gramF32(yp, ITEMS, k, 0, gp));
  row('gram (YᵀY, upper)', `${ITEMS}×${k}`, ITEMS * k * (k + 1), js, wasm);
}
