// Where an iALS epoch spends its time on the WASM kernels (64 factors, Gowalla train.txt):
// Gram matrices vs the user and item half-steps, mean of 5 epochs. MAGPIE_THREADS sets threads.
// Usage: npx tsx bench/ials-phases.mts   (MAGPIE_DATA names the folder holding gowalla/)
import { readLightGcnSplit } from '../src/data/index.js';
import { KernelMemory, KernelThreads, transpose } from '../src/math/index.js';

const DATA = process.env['MAGPIE_DATA'] ?? '../shared/data';
const split = await readLightGcnSplit(`${DATA}/gowalla/train.txt`, `${DATA}/gowalla/tune-test.txt`);
const byUser = split.train.interactions, byItem = transpose(byUser);
const k = 64, nU = byUser.rows, nI = byUser.cols;
const mem = KernelMemory.create()!;
const put = (c: typeof byUser) => ({ indptr: mem.put(c.indptr), indices: mem.put(c.indices), values: mem.put(c.values) });
const U = put(byUser), I = put(byItem);
const uf = mem.put(Float32Array.from({ length: nU * k }, () => (Math.random() - 0.5) * 0.01));
const itf = mem.put(Float32Array.from({ length: nI * k }, () => (Math.random() - 0.5) * 0.01));
const lu = mem.put(new Float64Array(nU).fill(0.5)), li = mem.put(new Float64Array(nI).fill(0.5));
const g = mem.alloc(8 * k * k), g32 = mem.alloc(4 * k * k);
const parts = Array.from({ length: 8 }, () => mem.alloc(8 * k * k));
let maxRow = 0; for (const c of [byUser, byItem]) for (let r = 0; r < c.rows; r++) maxRow = Math.max(maxRow, c.indptr[r + 1]! - c.indptr[r]!);
const threads = Number(process.env['MAGPIE_THREADS'] ?? 2);
const scratch = Array.from({ length: threads }, () => mem.alloc(4 * (maxRow * k + 2 * maxRow + 6 * k) + 80));
const pool = await KernelThreads.start(mem, threads);
const t = { gram: 0, users: 0, items: 0 };
for (let e = 0; e < 5; e++) {
  let t0 = performance.now(); pool.gram(itf, nI, k, 0, g, parts); t.gram += performance.now() - t0;
  t0 = performance.now(); pool.alsHalfStep(byUser.indptr, { ...U, fixed: itf, target: uf, gram: g32, lambdas: lu, gramScales: 0 }, k, 3, maxRow, scratch); t.users += performance.now() - t0;
  t0 = performance.now(); pool.gram(uf, nU, k, 0, g, parts); t.gram += performance.now() - t0;
  t0 = performance.now(); pool.alsHalfStep(byItem.indptr, { ...I, fixed: uf, target: itf, gram: g32, lambdas: li, gramScales: 0 }, k, 3, maxRow, scratch); t.items += performance.now() - t0;
}
console.log('threads', threads, 'per epoch ms', Object.fromEntries(Object.entries(t).map(([a, b]) => [a, (b / 5).toFixed(0)])));
await pool.close();
