// Approximate nearest neighbours: exact scan vs usearch HNSW over the item factors of an iALS
// model trained (default parameters, seed 42) on Gowalla's train.txt, with 1,000 of its user
// vectors as queries. Prints build time, recall@100 against the exact scan, queries/second on
// one thread (wall clock and CPU time, fastest of three passes) and per-query latency
// percentiles: for several efSearch values; with users' training items excluded; for usearch's
// own graph defaults; for the MIPS→NN reduction of Bachrach et al. 2014; for catalogue subsets
// (where HNSW starts to beat the scan — DEFAULT_EXACT_THRESHOLD); and for a harder subset where
// calibrateExpansion picks efSearch from 200 other users' vectors.
// Usage: npx tsx bench/ann.mts [--synthetic] [--quick]
// MAGPIE_DATA names the folder holding gowalla/ (default ../shared/data). --synthetic uses
// seeded clustered vectors (41k × 128) instead and needs no data; --quick stops after the
// exclusion run.
import { existsSync } from 'node:fs';
import { getAlgorithm, type IalsModel } from '../src/algorithms/index.js';
import { readLightGcnFile, trainingDataFromLists } from '../src/data/index.js';
import {
  calibrateExpansion,
  DEFAULT_HNSW_PARAMS,
  ExactVectorIndex,
  UsearchVectorIndex,
  type HnswParams,
  type VectorIndex,
} from '../src/math/index.js';
import { clusteredVectors } from '../src/math/ann/testing/clustered-vectors.js';

const K = 100;
const QUERIES = 1000;
const args = new Set(process.argv.slice(2));
const data = process.env['MAGPIE_DATA'] ?? '../shared/data';

interface Workload {
  name: string;
  items: Float32Array;
  count: number;
  dim: number;
  queries: Float32Array[];
  /** 200 other query vectors, for calibrateExpansion. */
  sample: Float32Array[];
  /** Training items of each query's user (for the exclusion run), or null. */
  seen: Set<number>[] | null;
}

async function gowallaWorkload(): Promise<Workload | null> {
  const path = `${data}/gowalla/train.txt`;
  if (!existsSync(path)) return null;
  const lines = [];
  for await (const line of readLightGcnFile(path)) lines.push(line);
  const train = trainingDataFromLists(lines);
  const ials = getAlgorithm('ials');
  const t0 = performance.now();
  const model = (await ials.train(train, ials.paramsSchema.parse({}), { seed: 42 })) as IalsModel;
  console.log(`trained iALS (default params) in ${seconds(t0)} s`);
  const dim = model.factors;
  const step = Math.floor(model.userCount / QUERIES);
  const users = Array.from({ length: QUERIES }, (_, q) => q * step);
  const m = train.interactions;
  return {
    name: `Gowalla train.txt, iALS item factors`,
    items: model.itemFactorMatrix,
    count: model.items.size,
    dim,
    queries: users.map((u) => model.userFactors.slice(u * dim, (u + 1) * dim)),
    sample: users.slice(0, 200).map((u) => model.userFactors.slice((u + 1) * dim, (u + 2) * dim)),
    seen: users.map((u) => new Set(m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!))),
  };
}

function syntheticWorkload(): Workload {
  const count = 40_981;
  const dim = 128;
  const queries = clusteredVectors(2, QUERIES, dim);
  const sample = clusteredVectors(3, 200, dim);
  return {
    name: 'synthetic clustered vectors (seed 1)',
    items: clusteredVectors(1, count, dim),
    count,
    dim,
    queries: Array.from({ length: QUERIES }, (_, q) => queries.slice(q * dim, (q + 1) * dim)),
    sample: Array.from({ length: 200 }, (_, q) => sample.slice(q * dim, (q + 1) * dim)),
    seen: null,
  };
}

function seconds(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(2);
}

interface Run {
  results: Int32Array[];
  qps: number;
  cpuQps: number;
  p50: number;
  p99: number;
}

/**
 * 100 warm-up queries, then all queries timed one by one, three times over; the fastest pass is
 * reported (other processes on a shared machine only ever slow a pass down).
 */
function runQueries(index: VectorIndex, w: Workload, exclude: boolean): Run {
  const skip = (q: number): ((i: number) => boolean) | undefined => {
    const seen = exclude ? w.seen?.[q] : undefined;
    return seen ? (i: number) => seen.has(i) : undefined;
  };
  for (let q = 0; q < 100; q++) index.search(w.queries[q]!, K, skip(q));
  let best: Run | null = null;
  for (let pass = 0; pass < 3; pass++) {
    const latencies = new Float64Array(w.queries.length);
    const results: Int32Array[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let q = 0; q < w.queries.length; q++) {
      const s = performance.now();
      results.push(index.search(w.queries[q]!, K, skip(q)).indices);
      latencies[q] = performance.now() - s;
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort();
    const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    const run: Run = {
      results,
      qps: w.queries.length / wall,
      cpuQps: w.queries.length / ((cpu.user + cpu.system) / 1e6),
      p50: at(0.5),
      p99: at(0.99),
    };
    if (!best || run.qps > best.qps) best = run;
  }
  return best!;
}

function recall(truth: Int32Array[], got: Int32Array[]): number {
  let sum = 0;
  truth.forEach((t, q) => {
    const set = new Set(t);
    let hits = 0;
    for (const i of got[q]!) if (set.has(i)) hits++;
    sum += t.length ? hits / t.length : 1;
  });
  return sum / truth.length;
}

function row(label: string, build: string, r: Run, rec: number): void {
  console.log(
    `| ${label.padEnd(34)} | ${build.padStart(7)} | ${rec.toFixed(4)} | ${r.qps.toFixed(0).padStart(6)} | ` +
      `${r.cpuQps.toFixed(0).padStart(6)} | ${r.p50.toFixed(3).padStart(6)} | ${r.p99.toFixed(3).padStart(6)} |`,
  );
}

function header(title: string): void {
  console.log(`\n${title}`);
  console.log('| index                              | build s | recall@100 | qps | cpu qps | p50 ms | p99 ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
}

function buildHnsw(items: Float32Array, count: number, dim: number, params: Partial<HnswParams> = {}): [UsearchVectorIndex, string] {
  const t0 = performance.now();
  const index = new UsearchVectorIndex(items, count, dim, 'ip', params);
  return [index, seconds(t0)];
}

/** n items spread evenly over the catalogue (a smaller catalogue of the same kind). */
function evenlySpaced(w: Workload, n: number): Float32Array {
  const out = new Float32Array(n * w.dim);
  for (let i = 0; i < n; i++) {
    const src = Math.floor((i * w.count) / n);
    out.set(w.items.subarray(src * w.dim, (src + 1) * w.dim), i * w.dim);
  }
  return out;
}

/** Bachrach et al. 2014: y' = (y, √(M² − |y|²)), q' = (q, 0); q'·y' = q·y, |y'| = M for all. */
function reduction(w: Workload): Workload {
  const d = w.dim + 1;
  const norms2 = Array.from({ length: w.count }, (_, i) => {
    let s = 0;
    for (let t = 0; t < w.dim; t++) s += w.items[i * w.dim + t]! ** 2;
    return s;
  });
  const max2 = Math.max(...norms2);
  const items = new Float32Array(w.count * d);
  for (let i = 0; i < w.count; i++) {
    items.set(w.items.subarray(i * w.dim, (i + 1) * w.dim), i * d);
    items[i * d + w.dim] = Math.sqrt(Math.max(0, max2 - norms2[i]!));
  }
  const queries = w.queries.map((q) => {
    const out = new Float32Array(d);
    out.set(q);
    return out;
  });
  return { ...w, items, dim: d, queries };
}

const workload = args.has('--synthetic') ? syntheticWorkload() : await gowallaWorkload();
if (!workload) {
  console.log(`skipped: ${data}/gowalla/train.txt is absent (set MAGPIE_DATA, or pass --synthetic)`);
  process.exit(0);
}
const w = workload;
const hp = DEFAULT_HNSW_PARAMS;
console.log(`${w.name}: ${w.count} items × ${w.dim}, ${w.queries.length} queries, k = ${K}, one thread`);
console.log(`HNSW defaults: connectivity ${hp.connectivity}, expansionAdd ${hp.expansionAdd}, expansionSearch ${hp.expansionSearch}`);

header('Exact scan vs HNSW (inner product)');
let t0 = performance.now();
const exact = new ExactVectorIndex(w.items, w.count, w.dim);
const exactBuild = seconds(t0);
const exactRun = runQueries(exact, w, false);
const truth = exactRun.results;
row('exact (WASM SIMD scan + heap)', exactBuild, exactRun, 1);
const [hnsw, hnswBuild] = buildHnsw(w.items, w.count, w.dim);
for (const ef of [100, 200, hp.expansionSearch, 400]) {
  hnsw.expansionSearch = ef;
  const run = runQueries(hnsw, w, false);
  row(`hnsw efSearch ${ef}${ef === hp.expansionSearch ? ' (default)' : ''}`, hnswBuild, run, recall(truth, run.results));
}
hnsw.expansionSearch = hp.expansionSearch;

if (w.seen) {
  header("With each user's training items excluded");
  const exactSeen = runQueries(exact, w, true);
  row('exact', exactBuild, exactSeen, 1);
  const hnswSeen = runQueries(hnsw, w, true);
  row(`hnsw efSearch ${hp.expansionSearch}`, hnswBuild, hnswSeen, recall(exactSeen.results, hnswSeen.results));
}

if (!args.has('--quick')) {
  header("usearch's own graph defaults (connectivity 16, expansionAdd 128)");
  const [thin, thinBuild] = buildHnsw(w.items, w.count, w.dim, { connectivity: 16, expansionAdd: 128 });
  for (const ef of [hp.expansionSearch, 800]) {
    thin.expansionSearch = ef;
    const run = runQueries(thin, w, false);
    row(`M 16 efSearch ${ef}`, thinBuild, run, recall(truth, run.results));
  }

  header('MIPS→NN reduction (Bachrach et al. 2014) on the same graph parameters');
  const r = reduction(w);
  const [reduced, reducedBuild] = buildHnsw(r.items, r.count, r.dim);
  for (const ef of [200, hp.expansionSearch, 400, 800]) {
    reduced.expansionSearch = ef;
    const run = runQueries(reduced, r, false);
    row(`reduction efSearch ${ef}`, reducedBuild, run, recall(truth, run.results));
  }

  header('Catalogue size: where HNSW (defaults) overtakes the scan — n evenly spaced items');
  for (const n of [5000, 10_000, 20_000, 30_000]) {
    const sub: Workload = { ...w, items: evenlySpaced(w, n), count: n };
    t0 = performance.now();
    const e = new ExactVectorIndex(sub.items, n, w.dim);
    const eb = seconds(t0);
    const er = runQueries(e, sub, false);
    row(`exact n=${n}`, eb, er, 1);
    const [h, hb] = buildHnsw(sub.items, n, w.dim);
    const hr = runQueries(h, sub, false);
    row(`hnsw n=${n}`, hb, hr, recall(er.results, hr.results));
  }

  header('A harder catalogue: the first 20,000 items, default efSearch vs calibrateExpansion');
  const hard: Workload = { ...w, items: w.items.subarray(0, 20_000 * w.dim), count: 20_000 };
  const hardTruth = runQueries(new ExactVectorIndex(hard.items, hard.count, w.dim), hard, false).results;
  const [h, hb] = buildHnsw(hard.items, hard.count, w.dim);
  const before = runQueries(h, hard, false);
  row(`hnsw efSearch ${h.expansionSearch} (default)`, hb, before, recall(hardTruth, before.results));
  t0 = performance.now();
  const c = calibrateExpansion(h, hard.sample, { k: K, targetRecall: 0.98 });
  console.log(
    `calibrateExpansion(target 0.98) on ${hard.sample.length} other users: efSearch ${c.expansionSearch}, ` +
      `sample recall ${c.recall.toFixed(4)} (95% lower bound ${c.recallLowerBound.toFixed(4)}), ${seconds(t0)} s`,
  );
  const after = runQueries(h, hard, false);
  row(`hnsw efSearch ${h.expansionSearch} (calibrated)`, hb, after, recall(hardTruth, after.results));
}
