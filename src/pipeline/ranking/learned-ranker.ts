/**
 * Training the learned ranker from labelled groups, and the rule for when it replaces the
 * default: it must have seen enough groups with an outcome, and rank a held-out share of
 * those groups better (NDCG@k) than the ranker it would replace.
 */
import { Rng } from '../../core/index.js';
import { GbdtModel, gbdtParamsSchema, LambdaMart, trainGbdt, type FeatureMatrix, type GbdtParams, type GbdtParamsInput, type RoundReport } from './gbdt/index.js';
import { GbdtRanker, type Ranker } from './ranker.js';

/** Rows in query groups: TrainingGroups, or groups built offline. */
export interface GroupedRows {
  readonly features: FeatureMatrix;
  readonly labels: Float64Array;
  readonly groups: Int32Array;
}

export interface LearnedRankerOptions {
  /** The assembler's column names (stored in the model). */
  featureNames: readonly string[];
  /** The ranker serving now (the default before any learned one): the bar to clear. */
  incumbent: Ranker;
  seed: number;
  params?: GbdtParamsInput | undefined;
  /**
   * 1 (default): hold out `validShare` of the groups with an outcome for early stopping and the
   * promotion check. ≥ 2: k-fold cross-validation over those groups picks the number of rounds
   * (the best mean validation curve) and judges promotion on out-of-fold rankings, then the
   * model is retrained on every group: slower, steadier when groups are few.
   */
  folds?: number | undefined;
  /** Share of groups held out when folds = 1 (default 0.2). */
  validShare?: number | undefined;
  /** Fewest groups with an outcome before a learned ranker is trusted (default 200). */
  minGroupsWithOutcome?: number | undefined;
  /** NDCG@k margin the learned ranker must win by on the held-out groups (default 0). */
  minGain?: number | undefined;
  onRound?: ((r: RoundReport) => void) | undefined;
}

export interface LearnedRankerResult {
  /** The learned ranker when promoted, else the incumbent. */
  ranker: Ranker;
  promoted: boolean;
  reason: string;
  model: GbdtModel | null;
  /** Mean NDCG@k over the held-out (or out-of-fold) groups with an outcome. */
  heldOut: { groups: number; k: number; learned: number; incumbent: number } | null;
}

export function trainLearnedRanker(data: GroupedRows, options: LearnedRankerOptions): LearnedRankerResult {
  const params = gbdtParamsSchema.parse(options.params ?? {});
  const k = params.ndcgAt;
  const withOutcome = groupsWithOutcome(data);
  const needed = options.minGroupsWithOutcome ?? 200;
  if (withOutcome.length < needed) {
    return { ranker: options.incumbent, promoted: false, reason: `only ${withOutcome.length} groups with an outcome (need ${needed})`, model: null, heldOut: null };
  }
  // Held-out groups are drawn from those with an outcome; groups without one always train
  // (the binary objective learns from them, LambdaMART ignores them).
  const shuffled = new Rng(options.seed).shuffle([...withOutcome]);
  const folds = Math.max(1, Math.floor(options.folds ?? 1));
  const all = Array.from({ length: data.groups.length - 1 }, (_, q) => q);
  let model: GbdtModel;
  let learnedScores: Float64Array;
  let judged: GroupedRows;
  if (folds === 1) {
    const validSet = new Set(shuffled.slice(0, Math.max(1, Math.round(shuffled.length * (options.validShare ?? 0.2)))));
    const train = selectGroups(data, all.filter((q) => !validSet.has(q)));
    judged = selectGroups(data, all.filter((q) => validSet.has(q)));
    model = trainGbdt(train, params, { seed: options.seed, valid: judged, featureNames: options.featureNames, onRound: options.onRound }).model;
    learnedScores = scoreByGroup(new GbdtRanker(model, options.featureNames), judged);
  } else {
    ({ model, learnedScores, judged } = crossValidate(data, shuffled, folds, params, options));
  }
  const learned = new GbdtRanker(model, options.featureNames);
  const judge = new LambdaMart(judged.labels, judged.groups, { ...params, ndcgAt: k });
  const heldOut = {
    groups: judged.groups.length - 1,
    k,
    learned: judge.meanNdcg(learnedScores),
    incumbent: judge.meanNdcg(scoreByGroup(options.incumbent, judged)),
  };
  const promoted = model.treeCount > 0 && heldOut.learned > heldOut.incumbent + (options.minGain ?? 0);
  const how = folds === 1 ? 'held-out' : `${folds}-fold out-of-fold`;
  const verdict = `${how} NDCG@${k} ${heldOut.learned.toFixed(4)} (learned) vs ${heldOut.incumbent.toFixed(4)} (${options.incumbent.kind}) over ${heldOut.groups} groups`;
  return promoted
    ? { ranker: learned, promoted, reason: verdict, model, heldOut }
    : { ranker: options.incumbent, promoted, reason: `not better: ${verdict}`, model, heldOut };
}

/**
 * k-fold cross-validation over the groups with an outcome: every fold trains all rounds, the
 * round count with the best mean validation metric is kept, the out-of-fold rankings (each
 * fold's model cut to that many rounds) are what promotion is judged on, and the final model
 * trains that many rounds on every group.
 */
function crossValidate(
  data: GroupedRows,
  shuffled: readonly number[],
  folds: number,
  params: GbdtParams,
  options: LearnedRankerOptions,
): { model: GbdtModel; learnedScores: Float64Array; judged: GroupedRows } {
  const foldOf = new Map(shuffled.map((q, i) => [q, i % folds]));
  const all = Array.from({ length: data.groups.length - 1 }, (_, q) => q);
  const runs: { valid: GroupedRows; model: GbdtModel; curve: number[] }[] = [];
  let higherIsBetter = true;
  for (let f = 0; f < folds; f++) {
    const train = selectGroups(data, all.filter((q) => foldOf.get(q) !== f));
    const valid = selectGroups(data, all.filter((q) => foldOf.get(q) === f));
    const r = trainGbdt(train, { ...params, earlyStoppingRounds: 0 }, { seed: options.seed + f, valid, featureNames: options.featureNames });
    higherIsBetter = r.history[0]?.metric.startsWith('ndcg') ?? true;
    runs.push({ valid, model: r.model, curve: r.history.map((h) => h.valid ?? NaN) });
  }
  let rounds = 0;
  let best = -Infinity;
  const longest = Math.max(...runs.map((r) => r.curve.length));
  for (let t = 1; t <= longest; t++) {
    // A fold that stopped early (no split gained) keeps its last value.
    const mean = runs.reduce((s, r) => s + (r.curve[Math.min(t, r.curve.length) - 1] ?? NaN), 0) / runs.length;
    const value = higherIsBetter ? mean : -mean;
    if (value > best) {
      best = value;
      rounds = t;
    }
  }
  const judged = selectGroups(data, shuffled.slice().sort((a, b) => foldOf.get(a)! - foldOf.get(b)! || a - b));
  const learnedScores = new Float64Array(judged.features.rows);
  let at = 0;
  for (const r of runs) {
    const oof = withOutcomeOnly(r.valid);
    learnedScores.set(scoreByGroup(new GbdtRanker(r.model.truncated(rounds), options.featureNames), oof), at);
    at += oof.features.rows;
  }
  const final = trainGbdt(data, { ...params, trees: Math.max(1, rounds), earlyStoppingRounds: 0 }, { seed: options.seed, featureNames: options.featureNames });
  return { model: rounds > 0 ? final.model : final.model.truncated(0), learnedScores, judged };
}

function withOutcomeOnly(data: GroupedRows): GroupedRows {
  return selectGroups(data, groupsWithOutcome(data));
}

/** Scores every row, one group (one request) at a time, as the ranker would see it at serving. */
export function scoreByGroup(ranker: Ranker, data: GroupedRows): Float64Array {
  const out = new Float64Array(data.features.rows);
  const cols = data.features.cols;
  for (let q = 0; q + 1 < data.groups.length; q++) {
    const start = data.groups[q]!;
    const end = data.groups[q + 1]!;
    const rows = { rows: end - start, cols, values: data.features.values.subarray(start * cols, end * cols) };
    ranker.score(rows, out.subarray(start, end));
  }
  return out;
}

/** The groups whose labels are not all zero. */
export function groupsWithOutcome(data: GroupedRows): number[] {
  const out: number[] = [];
  for (let q = 0; q + 1 < data.groups.length; q++) {
    for (let i = data.groups[q]!; i < data.groups[q + 1]!; i++) {
      if (data.labels[i]! > 0) {
        out.push(q);
        break;
      }
    }
  }
  return out;
}

/** A copy holding only the listed groups, in the listed order. */
export function selectGroups(data: GroupedRows, groups: readonly number[]): GroupedRows {
  const cols = data.features.cols;
  let rows = 0;
  for (const q of groups) rows += data.groups[q + 1]! - data.groups[q]!;
  const values = new Float64Array(rows * cols);
  const labels = new Float64Array(rows);
  const offsets = new Int32Array(groups.length + 1);
  let at = 0;
  groups.forEach((q, g) => {
    const start = data.groups[q]!;
    const end = data.groups[q + 1]!;
    values.set(data.features.values.subarray(start * cols, end * cols), at * cols);
    labels.set(data.labels.subarray(start, end), at);
    at += end - start;
    offsets[g + 1] = at;
  });
  return { features: { rows, cols, values }, labels, groups: offsets };
}
