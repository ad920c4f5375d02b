import { isMagpieError, MagpieError, type Clock, type FeedbackEvent, type JsonObject } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import { getAlgorithm, type Model, type TrainProgress } from '../algorithms/index.js';
import { SnapshotBuilder, alignItemContent, timeSplit, type Split, type TrainingData } from '../data/index.js';
import { evaluateModel } from '../eval/index.js';
import { nnz } from '../math/index.js';
import type { DataStore, ImpressionStore, ModelMeta, ModelStore, NewModel, TrainingDataStats } from '../ports/index.js';
import { judgeCandidate } from './model-gate.js';
import { trainRankers, type RankerTrainingResult } from './ranker-training.js';

export interface TrainingDeps {
  config: MagpieConfig;
  store: DataStore;
  models: ModelStore;
  clock: Clock;
  /** Logged impressions: surfaces with a learned ranker train it from them. */
  impressions?: ImpressionStore | undefined;
}

export interface TrainOptions {
  /** Train only these roles (default: every configured one). */
  roles?: readonly string[] | undefined;
  progress?: ((p: TrainProgress) => void) | undefined;
  /** The event-log seq the store had applied when the run began (kept in data.logSeq for the drift signal). */
  logSeq?: number | undefined;
}

export interface TrainingSummary {
  /** Every model saved by this run: serving when the gate passed it, else a candidate (meta.gate says why). */
  models: ModelMeta[];
  /** Roles not trained this run, and why (e.g. a content model without item content). */
  skipped?: { role: string; reason: string }[];
  /** Learned rankers (surfaces with ranker.type learned): promoted or not, and why. */
  rankers?: RankerTrainingResult[];
  seconds: number;
}

/** Cut-offs at which held-out metrics are measured and recorded with each model. */
const HOLDOUT_K = [10, 20];
/** Below this many events a holdout says nothing useful; the models are trained on everything. */
const MIN_EVENTS_FOR_HOLDOUT = 100;

/**
 * One training run: snapshot the store, train every configured model role, measure each on a
 * time-based holdout (the newest events), judge it against the role's serving model (the
 * validation gate, model-gate.ts), retrain on everything and, once every role has trained, store
 * the results with their parameters, metrics, gate verdict, timing and data statistics. A model
 * the gate passed is promoted to serving; one it refused stays a candidate.
 * Callers that share a store with other processes run it under withTrainingLease.
 */
export async function trainModels(deps: TrainingDeps, opts: TrainOptions = {}): Promise<TrainingSummary> {
  const started = performance.now();
  const { config } = deps;
  const progress = opts.progress ?? (() => undefined);
  const now = deps.clock.now();
  const roles = Object.entries(config.training.models).filter(([role]) => !opts.roles || opts.roles.includes(role));
  if (roles.length === 0) throw new MagpieError('TRAINING_FAILED', 'no model roles to train');

  progress({ stage: 'snapshot', done: 0, total: 1 });
  const { events, full } = await snapshot(deps, now);
  progress({ stage: 'snapshot', done: 1, total: 1 });
  if (nnz(full.interactions) === 0) throw new MagpieError('TRAINING_FAILED', 'there is no positive feedback to train on');

  const holdout =
    config.training.holdoutFraction > 0 && events.length >= MIN_EVENTS_FOR_HOLDOUT
      ? timeSplit(events, { testFraction: config.training.holdoutFraction, types: config.feedback.types })
      : null;
  // The holdout's training part is built from events alone: give it the catalogue's content.
  if (holdout && full.content) holdout.train = { ...holdout.train, content: alignItemContent(full.content, full.items, holdout.train.items) };
  const stats: TrainingDataStats = { ...dataStats(full, events), logSeq: opts.logSeq ?? null };

  const trained: TrainedRole[] = [];
  const skipped: { role: string; reason: string }[] = [];
  for (const [role, spec] of roles) {
    const algorithm = getAlgorithm(spec.algorithm);
    // A content-based role on a catalogue without content (no titles, text, categories or tags
    // anywhere) has nothing to learn from: it is skipped, not a failed run.
    if (algorithm.needsContent && !hasContent(full)) {
      skipped.push({ role, reason: 'the catalogue has no item content' });
      continue;
    }
    try {
      trained.push(await trainRole(deps, role, spec.params, full, holdout, stats, now, progress));
    } catch (err) {
      // Content too thin to learn from (e.g. no feature shared by two items) skips the role too.
      if (algorithm.needsContent && isMagpieError(err) && err.code === 'TRAINING_FAILED') {
        skipped.push({ role, reason: err.message });
        continue;
      }
      throw err;
    }
  }
  // Saved only once every role has trained: a run that fails (or is stopped) part-way leaves
  // every model in service as it was, rather than some roles new and some old.
  const saved: ModelMeta[] = [];
  for (const t of trained) {
    const meta = await deps.models.save(t.meta, t.blob);
    saved.push(t.meta.gate?.passed === false ? meta : await deps.models.promote(meta.name, meta.version));
  }
  const rankers = deps.impressions ? await trainRankers({ config, impressions: deps.impressions, models: deps.models, now }) : [];
  return { models: saved, skipped, rankers, seconds: (performance.now() - started) / 1000 };
}

/** A role's trained model, serialised, waiting for the end of the run to be saved. */
interface TrainedRole {
  meta: NewModel;
  blob: Uint8Array;
}

/** Trains one role: measured on the holdout (when there is one), then on everything. */
async function trainRole(
  deps: TrainingDeps,
  role: string,
  rawParams: unknown,
  full: TrainingData,
  holdout: Split | null,
  stats: TrainingDataStats,
  now: number,
  progress: (p: TrainProgress) => void,
): Promise<TrainedRole> {
  const spec = deps.config.training.models[role]!;
  const algorithm = getAlgorithm(spec.algorithm);
  const parsed = algorithm.paramsSchema.safeParse(rawParams);
  if (!parsed.success) {
    throw new MagpieError('CONFIG_INVALID', `training.models.${role}.params: ${parsed.error.issues[0]?.message}`, parsed.error.issues);
  }
  const params = parsed.data;
  const ctx = (stage: string) => ({
    seed: deps.config.training.seed,
    progress: (p: TrainProgress) => progress({ ...p, stage: `${role}: ${stage}${p.stage ? ` (${p.stage})` : ''}` }),
  });
  const measurable = holdout !== null && holdout.test.users.length > 0 ? holdout : null;
  let metrics: Record<string, number> = {};
  if (measurable) {
    const probe: Model = await algorithm.train(measurable.train, params, ctx('holdout'));
    metrics = evaluateModel(probe, measurable, { k: HOLDOUT_K }).metrics;
  }
  const servingVersion = await deps.models.servingVersion(role);
  const gate = await judgeCandidate({
    gate: deps.config.training.gate,
    algorithm: algorithm.name,
    params,
    metrics,
    serving: servingVersion === 0 ? null : await deps.models.meta(role, servingVersion),
    remeasure: async (name, servingParams) => {
      if (!measurable) throw new Error('there is no holdout');
      const other = getAlgorithm(name);
      const recipe = other.paramsSchema.safeParse(servingParams);
      if (!recipe.success) throw new Error(`its parameters no longer parse: ${recipe.error.issues[0]?.message}`);
      const probe: Model = await other.train(measurable.train, recipe.data, ctx('holdout, serving recipe'));
      return evaluateModel(probe, measurable, { k: HOLDOUT_K }).metrics;
    },
  });
  const t0 = performance.now();
  const model = await algorithm.train(full, params, ctx('training'));
  const trainingSeconds = (performance.now() - t0) / 1000;
  return {
    meta: { name: role, algorithm: algorithm.name, params: params as JsonObject, metrics, trainedAt: now, trainingSeconds, data: stats, gate },
    blob: model.serialize(),
  };
}

function hasContent(data: TrainingData): boolean {
  return data.content !== undefined && data.content.features.cols > 0 && data.content.features.indices.length > 0;
}

async function snapshot(deps: TrainingDeps, now: number): Promise<{ events: FeedbackEvent[]; full: TrainingData }> {
  const builder = new SnapshotBuilder(deps.config.feedback.types);
  // Every catalogue item gets an index, so models know items that have no feedback yet.
  for await (const batch of deps.store.scanItems(10_000)) for (const item of batch) builder.addItem(item.id, item);
  const events: FeedbackEvent[] = [];
  for await (const batch of deps.store.scanEvents(10_000)) {
    for (const e of batch) {
      events.push(e);
      builder.add(e);
    }
  }
  return { events, full: builder.build(now) };
}

function dataStats(full: TrainingData, events: readonly FeedbackEvent[]): TrainingDataStats {
  let from = Infinity;
  let to = -Infinity;
  for (const e of events) {
    if (e.timestamp < from) from = e.timestamp;
    if (e.timestamp > to) to = e.timestamp;
  }
  return {
    users: full.users.size,
    items: full.items.size,
    interactions: nnz(full.interactions),
    events: events.length,
    from: events.length ? from : null,
    to: events.length ? to : null,
  };
}
