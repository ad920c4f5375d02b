// Exact vector scan: f32 (ExactVectorIndex) against the int8 scan with exact f32 re-scoring
// (QuantizedVectorIndex), at the Gowalla catalogue size (40,981 items) and the collaborative
// source's limit k = 200, on seeded Gaussian and clustered (factor-like) vectors. Prints, per
// workload, the median and p90 latency of each index over the same queries (one thread), their
// ratio, recall@200 of the int8 scan against the f32 scan, how many answers were identical
// (same items, order and scores) and how the int8 scan concluded (first pass / second pass /
// full f32 scan).
// Usage: npx tsx bench/quantized.mts [--gowalla] [--grid] [--queries N]
//   --gowalla also trains iALS (default parameters, seed 42) on Gowalla's train.txt
//   (MAGPIE_DATA, default ../shared/data) and searches its item factors with user vectors as
//   queries, each user's training items excluded, as the collaborative source does.
//   --grid also times both scans over catalogue sizes × dimensions (the rule in
//   src/math/ann/create.ts, useQuantizedScan, comes from it).
// Build the kernels first: npm run build:wasm.
import { existsSync } from 'node:fs';
import { getAlgorithm, type IalsModel } from '../src/algorithms/index.js';
import { Rng } from '../src/core/index.js';
import { readLightGcnFile, trainingDataFromLists } from '../src/data/index.js';
import { ExactVectorIndex, QuantizedVectorIndex, wasmKernelsEnabled, type ScoredList, type VectorIndex } from '../src/math/index.js';
import { clusteredVectors } from '../src/math/ann/testing/clustered-vectors.js';

const N = 40_981;
const K = 200;
const argv = process.argv.slice(2);
const queriesAt = argv.indexOf('--queries');
const queryCount = queriesAt >= 0 ? Number(argv[queriesAt + 1]) : 50;
if (!(queryCount >= 2)) throw new Error('--queries wants a number ≥ 2');

function gaussian(seed: number, count: number, dim: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * dim }, () => rng.normal());
}

function rowsOf(m: Float32Array, count: number, dim: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => m.slice(i * dim, (i + 1) * dim));
}

type Skip = ((item: number) => boolean) | undefined;

/** Per-search wall-clock times in ms (after two warm-up searches) and the answers. */
function timeSearches(index: VectorIndex, queries: Float32Array[], k: number, skips: Skip[]): { times: number[]; answers: ScoredList[] } {
  index.search(queries[0]!, k, skips[0]);
  index.search(queries[1 % queries.length]!, k, skips[1 % queries.length]);
  const times: number[] = [];
  const answers: ScoredList[] = [];
  queries.forEach((q, j) => {
    const t0 = performance.now();
    answers.push(index.search(q, k, skips[j]));
    times.push(performance.now() - t0);
  });
  return { times, answers };
}

const quantile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

function same(a: ScoredList, b: ScoredList): boolean {
  if (a.indices.length !== b.indices.length) return false;
  for (let j = 0; j < a.indices.length; j++) {
    if (a.indices[j] !== b.indices[j] || !Object.is(a.scores[j], b.scores[j])) return false;
  }
  return true;
}

function compare(name: string, items: Float32Array, count: number, dim: number, queries: Float32Array[], k: number, skips: Skip[] = []): void {
  const t0 = performance.now();
  const exact = new ExactVectorIndex(items, count, dim);
  const t1 = performance.now();
  const quant = new QuantizedVectorIndex(items, count, dim);
  const t2 = performance.now();
  // Interleave the two so that machine noise hits both alike.
  const e1 = timeSearches(exact, queries, k, skips);
  const q1 = timeSearches(quant, queries, k, skips);
  const e2 = timeSearches(exact, queries, k, skips);
  const q2 = timeSearches(quant, queries, k, skips);
  const eTimes = [...e1.times, ...e2.times];
  const qTimes = [...q1.times, ...q2.times];
  let hits = 0;
  let identical = 0;
  queries.forEach((_, i) => {
    const want = new Set(e1.answers[i]!.indices);
    for (const item of q1.answers[i]!.indices) if (want.has(item)) hits++;
    if (same(e1.answers[i]!, q1.answers[i]!)) identical++;
  });
  const em = quantile(eTimes, 0.5);
  const qm = quantile(qTimes, 0.5);
  const s = quant.stats;
  console.log(
    `${name.padEnd(30)} build f32 ${(t1 - t0).toFixed(0).padStart(4)} ms, int8 ${(t2 - t1).toFixed(0).padStart(4)} ms | ` +
      `f32 median ${em.toFixed(3)} ms (p90 ${quantile(eTimes, 0.9).toFixed(3)}) | int8 median ${qm.toFixed(3)} ms ` +
      `(p90 ${quantile(qTimes, 0.9).toFixed(3)}) | ${(em / qm).toFixed(2)}× | recall@${k} ${(hits / (queries.length * k)).toFixed(4)}, ` +
      `identical ${identical}/${queries.length} | first pass ${s.certified}, second pass ${s.widened}, full scan ${s.fullScans}`,
  );
}

if (!wasmKernelsEnabled()) console.log('note: WASM kernels disabled, timing the plain-TypeScript references');
console.log(`node ${process.version}; ${N} items, k = ${K}, ${queryCount} queries × 2 interleaved rounds per index`);
for (const dim of [64, 128]) {
  compare(`Gaussian ${dim}d`, gaussian(1, N, dim), N, dim, rowsOf(gaussian(2, queryCount, dim), queryCount, dim), K);
  compare(`clustered ${dim}d`, clusteredVectors(1, N, dim), N, dim, rowsOf(clusteredVectors(2, queryCount, dim), queryCount, dim), K);
}

async function gowalla(): Promise<void> {
  const data = process.env['MAGPIE_DATA'] ?? '../shared/data';
  const path = `${data}/gowalla/train.txt`;
  if (!existsSync(path)) {
    console.log(`--gowalla skipped: ${path} is absent (set MAGPIE_DATA)`);
    return;
  }
  const lines = [];
  for await (const line of readLightGcnFile(path)) lines.push(line);
  const train = trainingDataFromLists(lines);
  const ials = getAlgorithm('ials');
  const t0 = performance.now();
  const model = (await ials.train(train, ials.paramsSchema.parse({}), { seed: 42 })) as IalsModel;
  console.log(`trained iALS (default parameters) on Gowalla in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const dim = model.factors;
  const step = Math.floor(model.userCount / queryCount);
  const users = Array.from({ length: queryCount }, (_, j) => j * step);
  const queries = users.map((u) => model.userFactors.slice(u * dim, (u + 1) * dim));
  const m = train.interactions;
  const skips = users.map((u) => {
    const seen = new Set(m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!));
    return (item: number): boolean => seen.has(item);
  });
  compare(`Gowalla iALS ${dim}d`, model.itemFactorMatrix, model.items.size, dim, queries, K);
  compare(`Gowalla iALS ${dim}d, seen excl.`, model.itemFactorMatrix, model.items.size, dim, queries, K, skips);
}

if (argv.includes('--gowalla')) await gowalla();

if (argv.includes('--grid')) {
  console.log('\ngrid (clustered vectors, k = 200): f32 median / int8 median, ms');
  for (const dim of [16, 32, 64, 96, 128, 256]) {
    for (const count of [5_000, 10_000, 15_000, 20_000, 40_981, 100_000]) {
      const items = clusteredVectors(3, count, dim);
      const queries = rowsOf(clusteredVectors(4, 30, dim), 30, dim);
      compare(`${count} × ${dim}d`, items, count, dim, queries, K);
    }
  }
}
