// EASE on the Gowalla tune split: where training spends its time and what the pruning costs.
// Trains on tune-train.txt over the maxItems most interacted items, then prunes the same
// inverse at each `keep` ("all" = the unpruned B) and evaluates each on tune-test.txt.
// Usage: npx tsx bench/ease.mts [maxItems=5000] [lambdas=200] [keeps=1000] [by=magnitude] [stride=1]
//   e.g. npx tsx bench/ease.mts 10000 200 100,300,1000,all   (lambdas and keeps: comma lists;
//   by: magnitude or value, which weights a pruned row keeps; stride: evaluate every Nth test user)
// MAGPIE_DATA names the folder holding gowalla/ (default ../shared/data); MAGPIE_KERNELS=js
// runs the plain-TypeScript reference kernels instead of WASM SIMD; MAGPIE_THREADS=n sets the
// threads of the WASM update (default: the cores, at most 8).
import { blockUpdateFor } from '../src/algorithms/ease/block-update.js';
import type { BlockedMatrix } from '../src/algorithms/ease/blocked-matrix.js';
import { buildGram, selectItems } from '../src/algorithms/ease/gram.js';
import { DEFAULT_BLOCK } from '../src/algorithms/ease/index.js';
import { EaseModel } from '../src/algorithms/ease/model.js';
import { easeParamsSchema } from '../src/algorithms/ease/params.js';
import { pruneWeights, type PruneBy } from '../src/algorithms/ease/prune.js';
import { sweepFlops, sweepInvert } from '../src/algorithms/ease/sweep.js';
import { readLightGcnSplit } from '../src/data/index.js';
import { evaluateModel } from '../src/eval/index.js';
import { kernelThreadCount } from '../src/math/index.js';

const [maxText = '5000', lambdasText = '200', keepsText = '1000', byText = 'magnitude', strideText = '1'] = process.argv.slice(2);
const data = process.env['MAGPIE_DATA'] ?? '../shared/data';
const split = await readLightGcnSplit(`${data}/gowalla/tune-train.txt`, `${data}/gowalla/tune-test.txt`);
const stride = Number(strideText);
const sampled = [...split.test.users.keys()].filter((j) => j % stride === 0);
const test = { users: Int32Array.from(sampled, (j) => split.test.users[j]!), items: sampled.map((j) => split.test.items[j]!) };
const x = split.train.interactions;
const by = byText as PruneBy;
const threads = kernelThreadCount();

const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const selection = selectItems(x, Number(maxText));
const n = selection.kept.length;
let covered = 0;
for (let k = 0; k < x.indices.length; k++) if (selection.position[x.indices[k]!]! >= 0) covered++;
console.log(`ease items ${n} of ${x.cols} (${((100 * covered) / x.indices.length).toFixed(1)}% of training interactions), block ${DEFAULT_BLOCK}`);

/** max over a few columns j of ‖G·p_j − e_j‖∞, in f64, where p_j is column j of the computed P = −(swept matrix). */
function inverseResidual(m: BlockedMatrix, lambda: number, columns: number): number {
  const xp = new Float64Array(x.rows);
  let worst = 0;
  for (let c = 0; c < columns; c++) {
    const j = Math.floor((c * n) / columns);
    const p = Float64Array.from({ length: n }, (_, i) => -m.get(i, j));
    const gp = p.map((v) => lambda * v);
    for (let u = 0; u < x.rows; u++) {
      let s = 0;
      for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
        const q = selection.position[x.indices[k]!]!;
        if (q >= 0) s += x.values[k]! * p[q]!;
      }
      xp[u] = s;
    }
    for (let u = 0; u < x.rows; u++) {
      for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
        const q = selection.position[x.indices[k]!]!;
        if (q >= 0) gp[q]! += x.values[k]! * xp[u]!;
      }
    }
    gp[j]! -= 1;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(gp[i]!));
  }
  return worst;
}

for (const lambdaText of lambdasText.split(',')) {
  const lambda = Number(lambdaText);
  let t0 = performance.now();
  const matrix = buildGram(x, selection, lambda, DEFAULT_BLOCK, 'f32', threads > 1);
  const gramSeconds = seconds(t0);
  const update = await blockUpdateFor(matrix, 'auto', threads);
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await sweepInvert(matrix, { update });
  await update.close();
  const inverseSeconds = seconds(t0);
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rate = sweepFlops(n) / inverseSeconds;
  console.log(
    `lambda ${lambda}: gram ${gramSeconds.toFixed(1)} s, inverse ${inverseSeconds.toFixed(1)} s wall / ${cpuSeconds.toFixed(1)} s CPU ` +
      `(kernel ${update.name} × ${update.threads} threads, ${(rate / 1e9).toFixed(1)} GFLOP/s wall, ${(sweepFlops(n) / cpuSeconds / 1e9).toFixed(1)} per CPU-second, by the n³ count), ` +
      `matrix ${(matrix.bytes / 2 ** 30).toFixed(2)} GiB, residual max|G·P − I| ${inverseResidual(matrix, lambda, 8).toExponential(1)} (8 columns)`,
  );
  console.log(
    `  extrapolation: all ${x.cols} items would take ~${(sweepFlops(x.cols) / rate / 60).toFixed(0)} min wall at this rate ` +
      `(~${(sweepFlops(x.cols) / (sweepFlops(n) / cpuSeconds) / 60).toFixed(0)} min of CPU), ${((x.cols ** 2 / 2) * 4 / 2 ** 30).toFixed(1)} GiB of matrix`,
  );
  for (const keepText of keepsText.split(',')) {
    const keep = keepText === 'all' ? Math.max(1, n - 1) : Number(keepText);
    t0 = performance.now();
    const weights = await pruneWeights(matrix, selection, x.cols, keep, by);
    const pruneSeconds = seconds(t0);
    const params = easeParamsSchema.parse({ lambda, maxItems: Number(maxText), keep });
    const model = new EaseModel(params, split.train.items, weights);
    t0 = performance.now();
    const r = evaluateModel(model, { train: split.train, test }, { k: 20 });
    console.log(
      `  keep ${keepText} (${by}): prune ${pruneSeconds.toFixed(1)} s, weights ${(weights.values.length / 1e6).toFixed(1)} M, ` +
        `users ${r.users}, recall@20 ${r.metrics['recall@20']!.toFixed(4)} ndcg@20 ${r.metrics['ndcg@20']!.toFixed(4)} ` +
        `(eval ${seconds(t0).toFixed(1)} s)`,
    );
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024 ** 2).toFixed(2)} GiB`);
