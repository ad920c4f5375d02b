// f32 against f64 for EASE's solve, on the Gowalla tune split: the same B computed with f32
// storage and the WASM SIMD kernel, and with f64 storage and the TypeScript reference, compared
// entry by entry, by the overlap of the pruned rows and by Recall@20.
// Usage: npx tsx bench/ease-precision.mts [maxItems=2000] [lambdas=200] [keep=300]
//   e.g. npx tsx bench/ease-precision.mts 2000 10,200
import { blockUpdateFor } from '../src/algorithms/ease/block-update.js';
import type { Precision } from '../src/algorithms/ease/blocked-matrix.js';
import { buildGram, selectItems } from '../src/algorithms/ease/gram.js';
import { DEFAULT_BLOCK } from '../src/algorithms/ease/index.js';
import { EaseModel } from '../src/algorithms/ease/model.js';
import { easeParamsSchema } from '../src/algorithms/ease/params.js';
import { pruneWeights } from '../src/algorithms/ease/prune.js';
import { sweepInvert } from '../src/algorithms/ease/sweep.js';
import { readLightGcnSplit } from '../src/data/index.js';
import { evaluateModel } from '../src/eval/index.js';

const [maxText = '2000', lambdasText = '200', keepText = '300'] = process.argv.slice(2);
const data = process.env['MAGPIE_DATA'] ?? '../shared/data';
const split = await readLightGcnSplit(`${data}/gowalla/tune-train.txt`, `${data}/gowalla/tune-test.txt`);
const x = split.train.interactions;
const selection = selectItems(x, Number(maxText));
const n = selection.kept.length;
const keep = Number(keepText);

/** B (dense, n×n, f64) and the model pruned to `keep`, from a solve in the given precision. */
async function solve(lambda: number, precision: Precision): Promise<{ b: Float64Array; model: EaseModel; seconds: number; kernel: string }> {
  const m = buildGram(x, selection, lambda, DEFAULT_BLOCK, precision);
  const update = await blockUpdateFor(m, precision === 'f32' ? 'auto' : 'ts');
  const t0 = performance.now();
  await sweepInvert(m, { update });
  await update.close();
  const seconds = (performance.now() - t0) / 1000;
  const b = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const pjj = -m.get(j, j);
    for (let i = 0; i < n; i++) if (i !== j) b[i * n + j] = m.get(i, j) / pjj;
  }
  const params = easeParamsSchema.parse({ lambda, maxItems: n, keep });
  const model = new EaseModel(params, split.train.items, await pruneWeights(m, selection, x.cols, keep));
  return { b, model, seconds, kernel: update.name };
}

for (const lambda of lambdasText.split(',').map(Number)) {
  const single = await solve(lambda, 'f32');
  const double = await solve(lambda, 'f64');
  let maxAbs = 0;
  let maxErr = 0;
  let sumSq = 0;
  let sumErrSq = 0;
  for (let t = 0; t < n * n; t++) {
    const e = Math.abs(single.b[t]! - double.b[t]!);
    maxAbs = Math.max(maxAbs, Math.abs(double.b[t]!));
    maxErr = Math.max(maxErr, e);
    sumSq += double.b[t]! ** 2;
    sumErrSq += e * e;
  }
  // Share of each pruned row that both precisions keep.
  const a = single.model.weights;
  const c = double.model.weights;
  let same = 0;
  let total = 0;
  for (let i = 0; i < x.cols; i++) {
    const mine = new Set(a.indices.subarray(a.indptr[i]!, a.indptr[i + 1]!));
    for (let k = c.indptr[i]!; k < c.indptr[i + 1]!; k++) same += mine.has(c.indices[k]!) ? 1 : 0;
    total += c.indptr[i + 1]! - c.indptr[i]!;
  }
  const recall = (model: EaseModel): string => evaluateModel(model, split, { k: 20 }).metrics['recall@20']!.toFixed(5);
  console.log(
    `n ${n} lambda ${lambda}: f32 (${single.kernel}) ${single.seconds.toFixed(1)} s, f64 (${double.kernel}) ${double.seconds.toFixed(1)} s; ` +
      `B max |f32 − f64| ${maxErr.toExponential(2)} (max |B| ${maxAbs.toExponential(2)}), relative Frobenius ${Math.sqrt(sumErrSq / sumSq).toExponential(2)}; ` +
      `pruned rows (keep ${keep}) shared ${((100 * same) / total).toFixed(3)}%; recall@20 f32 ${recall(single.model)} f64 ${recall(double.model)}`,
  );
}
