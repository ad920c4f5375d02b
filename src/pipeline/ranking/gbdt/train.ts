/**
 * The boosting loop: gradient tree boosting (Friedman 2001) with Newton leaf values, histogram
 * split finding on pre-binned features (Ke et al. 2017), stochastic row / query subsampling
 * (Friedman 2002) drawn from the seeded rng, and early stopping on a validation set.
 */
import { MagpieError, Rng } from '../../../core/index.js';
import { binMatrix, computeBinEdges, type FeatureMatrix } from './binning.js';
import { GbdtModel } from './model.js';
import { makeMetric, makeObjective, type LabelledRows } from './objectives.js';
import { gbdtParamsSchema, type GbdtParams, type GbdtParamsInput } from './params.js';
import { addTreeToBinned, growTree, type Tree } from './tree-builder.js';

export interface GbdtDataset extends LabelledRows {
  features: FeatureMatrix;
}

export interface GbdtTrainOptions {
  /** Seeds row and feature subsampling: the same seed and data give the same model. */
  seed: number;
  /**
   * Watched for early stopping (and reported): the model keeps its best round. With
   * earlyStoppingRounds 0 it is only reported and every round is kept (cross-validation reads
   * the per-round curve from `history`).
   */
  valid?: GbdtDataset | undefined;
  /** Column names, stored in the model; default f0, f1, … */
  featureNames?: readonly string[] | undefined;
  onRound?: ((r: RoundReport) => void) | undefined;
}

export interface RoundReport {
  round: number;
  metric: string;
  train: number;
  valid: number | null;
}

export interface GbdtTrainResult {
  model: GbdtModel;
  params: GbdtParams;
  /** Rounds kept (the best validation round, or every round without early stopping). */
  bestRound: number;
  history: RoundReport[];
}

export function trainGbdt(train: GbdtDataset, paramsInput: GbdtParamsInput, options: GbdtTrainOptions): GbdtTrainResult {
  const params = gbdtParamsSchema.parse(paramsInput);
  const { rows, cols } = train.features;
  checkDataset(train, 'training');
  if (options.valid) {
    checkDataset(options.valid, 'validation');
    if (options.valid.features.cols !== cols) throw invalid(`validation rows have ${options.valid.features.cols} features, training rows ${cols}`);
  }
  const names = options.featureNames ?? Array.from({ length: cols }, (_, f) => `f${f}`);
  if (names.length !== cols) throw invalid(`${names.length} feature names for ${cols} columns`);

  const binned = binMatrix(train.features, computeBinEdges(train.features, params.maxBins));
  const objective = makeObjective(params.objective, train, params);
  const trainMetric = makeMetric(params.objective, train, params);
  const validMetric = options.valid ? makeMetric(params.objective, options.valid, params) : null;
  const base = objective.initScore();
  const scores = new Float64Array(rows).fill(base);
  const validScores = options.valid ? new Float64Array(options.valid.features.rows).fill(base) : null;
  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const rng = new Rng(options.seed);

  const trees: Tree[] = [];
  const history: RoundReport[] = [];
  let best = { round: 0, value: validMetric ? validMetric.value(validScores!) : NaN };
  for (let round = 1; round <= params.trees; round++) {
    objective.gradients(scores, grad, hess);
    const sample = sampleRows(rng, rows, train.groups, params.rowSubsample);
    const features = sampleFeatures(rng, cols, params.featureSubsample);
    const tree = growTree(binned, grad, hess, sample, features, params);
    if (tree.value.length === 1) break; // no split gains anything: further rounds would not either
    trees.push(tree);
    addTreeToBinned(tree, binned, scores);
    const report: RoundReport = { round, metric: trainMetric.name, train: trainMetric.value(scores), valid: null };
    if (validMetric && validScores) {
      addTreeToRaw(tree, options.valid!.features, validScores);
      report.valid = validMetric.value(validScores);
      const better = validMetric.higherIsBetter ? report.valid > best.value : report.valid < best.value;
      if (better || !(best.value === best.value)) best = { round, value: report.valid };
    } else {
      best = { round, value: report.train };
    }
    history.push(report);
    options.onRound?.(report);
    if (validMetric && params.earlyStoppingRounds > 0 && round - best.round >= params.earlyStoppingRounds) break;
  }
  const kept = validMetric && params.earlyStoppingRounds > 0 ? best.round : trees.length;
  const model = GbdtModel.fromTrees(params.objective, names, base, trees.slice(0, kept));
  return { model, params, bestRound: kept, history };
}

/** The rows a tree trains on: a seeded share of rows, or of whole query groups. */
function sampleRows(rng: Rng, rows: number, groups: Int32Array | undefined, share: number): Int32Array {
  const out = new Int32Array(rows);
  let n = 0;
  if (share >= 1) {
    for (let i = 0; i < rows; i++) out[n++] = i;
  } else if (groups) {
    for (let q = 0; q + 1 < groups.length; q++) {
      if (rng.next() < share) for (let i = groups[q]!; i < groups[q + 1]!; i++) out[n++] = i;
    }
  } else {
    for (let i = 0; i < rows; i++) if (rng.next() < share) out[n++] = i;
  }
  return out.subarray(0, n);
}

function sampleFeatures(rng: Rng, cols: number, share: number): Int32Array {
  const all = Int32Array.from({ length: cols }, (_, f) => f);
  if (share >= 1) return all;
  const keep = Math.max(1, Math.round(cols * share));
  return rng.shuffle(all).subarray(0, keep).sort();
}

function addTreeToRaw(tree: Tree, m: FeatureMatrix, scores: Float64Array): void {
  for (let r = 0; r < m.rows; r++) {
    let node = 0;
    for (let f = tree.feature[0]!; f >= 0; f = tree.feature[node]!) {
      const x = m.values[r * m.cols + f]!;
      const goLeft = x === x ? x <= tree.threshold[node]! : tree.defaultLeft[node] === 1;
      node = goLeft ? tree.left[node]! : tree.right[node]!;
    }
    scores[r]! += tree.value[node]!;
  }
}

function checkDataset(d: GbdtDataset, what: string): void {
  const { rows, cols, values } = d.features;
  if (values.length !== rows * cols) throw invalid(`${what} matrix: ${values.length} values for ${rows} × ${cols}`);
  if (d.labels.length !== rows) throw invalid(`${what} set: ${d.labels.length} labels for ${rows} rows`);
  if (d.weights && d.weights.length !== rows) throw invalid(`${what} set: ${d.weights.length} weights for ${rows} rows`);
  if (d.groups) {
    const g = d.groups;
    let ok = g.length >= 1 && g[0] === 0 && g[g.length - 1] === rows;
    for (let q = 1; ok && q < g.length; q++) ok = g[q]! >= g[q - 1]!;
    if (!ok) throw invalid(`${what} set: query group offsets must rise from 0 to ${rows}`);
  }
  for (let i = 0; i < rows; i++) {
    const y = d.labels[i]!;
    if (!Number.isFinite(y) || y < 0) throw invalid(`${what} set: label ${y} at row ${i} (labels are grades ≥ 0)`);
  }
}

function invalid(message: string): MagpieError {
  return new MagpieError('VALIDATION_FAILED', message);
}
