import { MagpieError, type IdIndex } from '../core/index.js';
import type { Model } from '../algorithms/index.js';
import type { Split, TrainingData } from '../data/index.js';
import { row, topK } from '../math/index.js';
import {
  CoverageCounter,
  averagePrecisionAtK,
  hitRateAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  reciprocalRankAtK,
  type Ranked,
  type Relevant,
} from './metrics.js';

export interface EvalProgress {
  done: number;
  total: number;
}

export interface EvaluateOptions {
  /** Cut-off(s); each metric is reported once per K, e.g. `recall@20`. */
  k: number | readonly number[];
  onProgress?: ((p: EvalProgress) => void) | undefined;
}

export interface EvaluationResult {
  /** Test users that had at least one test item: the denominator of every mean. */
  users: number;
  /** `<metric>@<K>` → mean over those users (coverage: over their lists together). */
  metrics: Record<string, number>;
  seconds: number;
}

/** Per-user metrics, in report column order. */
export const PER_USER_METRICS: ReadonlyArray<readonly [string, (r: Ranked, rel: Relevant, k: number) => number]> = [
  ['recall', recallAtK],
  ['ndcg', ndcgAtK],
  ['precision', precisionAtK],
  ['map', averagePrecisionAtK],
  ['mrr', reciprocalRankAtK],
  ['hitrate', hitRateAtK],
];

/** The metric names evaluateModel reports, each as `<name>@<K>`; for all of them higher is better. */
export const METRIC_NAMES: readonly string[] = [...PER_USER_METRICS.map(([name]) => name), 'coverage'];

/** Users scored between checks of the clock, progress and abort signal. */
const USERS_PER_STEP = 64;
/** The async drivers give the event loop a turn at least this often (ms). */
const MAX_BLOCKING_MS = 50;

/**
 * The full-ranking protocol (LightGCN/BARS): for every test user with at least one test item,
 * score all items from the user's training row, exclude the training items, take the top
 * max(K), and average the per-user metrics. The model must have been trained on `split.train`
 * (its user indices are the training rows and its item index must be the training catalogue).
 *
 * Synchronous: the caller's thread is busy until it returns. Long-running hosts (server,
 * worker) should prefer evaluateModelAsync.
 */
export function evaluateModel(model: Model, split: Split, options: EvaluateOptions): EvaluationResult {
  const steps = evaluationSteps(model, split, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** evaluateModel, giving the event loop a turn every ~50 ms and stopping when `signal` aborts. */
export async function evaluateModelAsync(
  model: Model,
  split: Split,
  options: EvaluateOptions & { signal?: AbortSignal | undefined },
): Promise<EvaluationResult> {
  options.signal?.throwIfAborted();
  const steps = evaluationSteps(model, split, options);
  let lastPause = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - lastPause > MAX_BLOCKING_MS) {
      await yieldToEventLoop();
      lastPause = performance.now();
    }
    options.signal?.throwIfAborted();
  }
}

function* evaluationSteps(model: Model, split: Split, options: EvaluateOptions): Generator<void, EvaluationResult> {
  const started = performance.now();
  const { train, test } = split;
  checkSameCatalogue(model.items, train.items);
  checkTestSetFits(split);
  const ks = normaliseK(options.k);
  const maxK = ks[ks.length - 1]!;
  const sums = PER_USER_METRICS.map(() => new Float64Array(ks.length));
  const coverage = ks.map(() => new CoverageCounter(train.items.size));
  const scores = new Float32Array(train.items.size);
  const total = test.users.length;
  let evaluated = 0;

  for (let j = 0; j < total; j++) {
    const testItems = test.items[j]!;
    if (testItems.length > 0) {
      const ranked = rankForUser(model, train, test.users[j]!, scores, maxK);
      const relevant = new Set(testItems);
      for (let m = 0; m < PER_USER_METRICS.length; m++) {
        const metric = PER_USER_METRICS[m]![1];
        for (let q = 0; q < ks.length; q++) sums[m]![q]! += metric(ranked, relevant, ks[q]!);
      }
      for (let q = 0; q < ks.length; q++) coverage[q]!.add(ranked, ks[q]!);
      evaluated++;
    }
    if ((j + 1) % USERS_PER_STEP === 0) {
      options.onProgress?.({ done: j + 1, total });
      yield;
    }
  }
  options.onProgress?.({ done: total, total });
  if (evaluated === 0) {
    throw new MagpieError('VALIDATION_FAILED', 'no test user has a test item, so there is nothing to evaluate');
  }

  const metrics: Record<string, number> = {};
  for (const [m, [name]] of PER_USER_METRICS.entries()) {
    for (const [q, k] of ks.entries()) metrics[`${name}@${k}`] = sums[m]![q]! / evaluated;
  }
  for (const [q, k] of ks.entries()) metrics[`coverage@${k}`] = coverage[q]!.value();
  return { users: evaluated, metrics, seconds: (performance.now() - started) / 1000 };
}

export interface RecommendAllOptions {
  k: number;
  onProgress?: ((p: EvalProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The top K item ids for every user of the training data, training items excluded, in user
 * index order — the batch export behind `magpie recommend --out`. Gives the event loop a turn
 * every ~50 ms so the consumer's writes can drain.
 */
export async function* recommendAll(
  model: Model,
  train: TrainingData,
  options: RecommendAllOptions,
): AsyncGenerator<[user: string, items: string[]]> {
  options.signal?.throwIfAborted();
  checkSameCatalogue(model.items, train.items);
  const [k] = normaliseK(options.k);
  const scores = new Float32Array(train.items.size);
  const total = train.users.size;
  let lastPause = performance.now();
  for (let u = 0; u < total; u++) {
    const ranked = rankForUser(model, train, u, scores, k!);
    yield [train.users.idAt(u), Array.from(ranked, (i) => train.items.idAt(i))];
    if ((u + 1) % USERS_PER_STEP === 0) {
      options.onProgress?.({ done: u + 1, total });
      if (performance.now() - lastPause > MAX_BLOCKING_MS) {
        await yieldToEventLoop();
        lastPause = performance.now();
      }
      options.signal?.throwIfAborted();
    }
  }
  options.onProgress?.({ done: total, total });
}

/** Scores every item for training row u and returns the top k, the row's own items excluded. */
function rankForUser(model: Model, train: TrainingData, u: number, scores: Float32Array, k: number): Int32Array {
  const history = row(train.interactions, u);
  // Reset, so a model that leaves entries untouched cannot inherit the previous user's scores.
  scores.fill(0);
  model.scoreUser({ user: u, items: history.indices, weights: history.values }, scores);
  // topK skips non-finite scores: the cheapest way to exclude the training items.
  for (const i of history.indices) scores[i] = -Infinity;
  return topK(scores, k).indices;
}

/** The model's score positions must be the split's item indices, or every hit is wrong. */
function checkSameCatalogue(modelItems: IdIndex, trainItems: IdIndex): void {
  if (modelItems === trainItems) return;
  const a = modelItems.toArray();
  const b = trainItems.toArray();
  if (a.length === b.length && a.every((id, i) => id === b[i])) return;
  throw new MagpieError(
    'VALIDATION_FAILED',
    `the model's item index (${a.length} items) is not the training data's (${b.length} items): train it on this split's training data`,
  );
}

/** A test set built against other training data would index outside this one's matrix. */
function checkTestSetFits({ train, test }: Split): void {
  const { rows, cols } = train.interactions;
  if (test.items.length !== test.users.length) {
    throw new MagpieError('VALIDATION_FAILED', 'the test set has a different number of users and item lists');
  }
  const misfit = (what: string): MagpieError =>
    new MagpieError('VALIDATION_FAILED', `the test set does not fit the training data (${rows} users × ${cols} items): ${what}`);
  for (const [j, u] of test.users.entries()) {
    if (u < 0 || u >= rows) throw misfit(`user ${u}`);
    const item = test.items[j]!.find((i) => i < 0 || i >= cols);
    if (item !== undefined) throw misfit(`item ${item}`);
  }
}

/** Sorted, unique, positive integer cut-offs. */
function normaliseK(k: number | readonly number[]): number[] {
  const ks = [...new Set(typeof k === 'number' ? [k] : k)].sort((x, y) => x - y);
  if (ks.length === 0 || ks.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new MagpieError('VALIDATION_FAILED', `k must be a positive integer or a non-empty list of them, got ${JSON.stringify(k)}`);
  }
  return ks;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
