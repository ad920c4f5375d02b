// Training cost and accuracy of every algorithm (issue #3's bench:train):
//   seconds and peak RSS of training on Gowalla train.txt, the effective GFLOP/s of its main
//   kernel (an analytic FLOP count of the training loop divided by the training time), and
//   Recall@20 / NDCG@20 of the same parameters trained on tune-train.txt, scored on tune-test.txt.
// Each algorithm runs in its own child process, so peak RSS is its own.
// Usage: npm run bench:train [-- --algo ials,itemknn] [-- --params '{"ials":{"factors":64}}'] [-- --no-eval]
// MAGPIE_DATA names the folder holding gowalla/ (default ../shared/data).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { algorithms, getAlgorithm, type Algorithm } from '../src/algorithms/index.js';
import type { TrainingData } from '../src/data/index.js';
import { readLightGcnSplit } from '../src/data/index.js';
import { evaluateModel } from '../src/eval/index.js';
import { kernelThreadCount, wasmKernelsEnabled } from '../src/math/index.js';

const data = process.env['MAGPIE_DATA'] ?? '../shared/data';
const { values } = parseArgs({
  options: { one: { type: 'string' }, algo: { type: 'string' }, params: { type: 'string' }, 'no-eval': { type: 'boolean' } },
});
const allParams = JSON.parse(values.params ?? '{}') as Record<string, Record<string, unknown>>;

/** FLOPs of one training run: the loop each algorithm spends its time in. */
function trainingFlops(name: string, d: TrainingData, p: Record<string, number>): number {
  const x = d.interactions;
  const nnz = x.indices.length;
  if (name === 'ials') {
    const k = p['factors']!;
    const matvecs = 1 + p['cgSteps']!; // residual + CG steps per row and half-step
    const rows = x.rows + x.cols;
    const perEpoch = matvecs * (2 * k * k * rows + 2 * 4 * k * nnz) + 2 * k * k * rows; // + both Gram matrices
    return p['epochs']! * perEpoch;
  }
  if (name === 'ease') return Math.min(p['maxItems']!, x.cols) ** 3; // the block sweep inverse
  if (name === 'bpr') return p['epochs']! * nnz * 10 * p['factors']!; // per triple: 2 dots + 3 vector updates
  if (name === 'itemknn') {
    let pairs = 0;
    for (let u = 0; u < x.rows; u++) pairs += (x.indptr[u + 1]! - x.indptr[u]!) ** 2;
    return 2 * pairs;
  }
  return 2 * nnz; // popularity: one multiply-add per interaction
}

async function one(algorithm: Algorithm): Promise<void> {
  const params = algorithm.paramsSchema.parse(allParams[algorithm.name] ?? {}) as Record<string, number>;
  const full = await readLightGcnSplit(`${data}/gowalla/train.txt`, `${data}/gowalla/tune-test.txt`);
  const t0 = performance.now();
  await algorithm.train(full.train, params, { seed: 42 });
  const seconds = (performance.now() - t0) / 1000;
  const gflops = trainingFlops(algorithm.name, full.train, params) / seconds / 1e9;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  let recall = NaN;
  let ndcg = NaN;
  if (!values['no-eval']) {
    const tune = await readLightGcnSplit(`${data}/gowalla/tune-train.txt`, `${data}/gowalla/tune-test.txt`);
    const model = await algorithm.train(tune.train, params, { seed: 42 });
    const r = evaluateModel(model, tune, { k: 20 });
    recall = r.metrics['recall@20']!;
    ndcg = r.metrics['ndcg@20']!;
  }
  console.log(JSON.stringify({ algorithm: algorithm.name, seconds, peakRssMb, gflops, recall, ndcg, params }));
}

if (values.one) {
  await one(getAlgorithm(values.one));
} else {
  if (!existsSync(`${data}/gowalla/train.txt`)) {
    console.log(`skipped: ${data}/gowalla/train.txt not found (set MAGPIE_DATA)`);
    process.exit(0);
  }
  // Gowalla has no item content: the content-based algorithms are benchmarked by bench/content.mts.
  const names = values.algo ? values.algo.split(',') : algorithms.filter((a) => !a.needsContent).map((a) => a.name);
  console.log(`node ${process.version}, kernels: ${wasmKernelsEnabled() ? 'wasm simd' : 'typescript'}, threads: ${kernelThreadCount()}`);
  console.log('Gowalla train.txt (29,858 users, 40,981 items, 810,128 interactions); metrics: tune-train → tune-test');
  console.log('algorithm   train s  peak RSS MB  GFLOP/s  Recall@20  NDCG@20  params');
  const self = fileURLToPath(import.meta.url);
  for (const name of names) {
    const args = ['--import', 'tsx', self, '--one', name, ...(values.params ? ['--params', values.params] : []), ...(values['no-eval'] ? ['--no-eval'] : [])];
    const line = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
    const r = JSON.parse(line) as { algorithm: string; seconds: number; peakRssMb: number; gflops: number; recall: number | null; ndcg: number | null; params: unknown };
    const metric = (x: number | null): string => (x === null ? '—' : x.toFixed(4)); // null: --no-eval
    console.log(
      [r.algorithm.padEnd(10), r.seconds.toFixed(2).padStart(7), r.peakRssMb.toFixed(0).padStart(11), r.gflops.toFixed(2).padStart(8), metric(r.recall).padStart(9), metric(r.ndcg).padStart(8), JSON.stringify(r.params)].join('  '),
    );
  }
}
