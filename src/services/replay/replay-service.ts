import { IdIndex, MagpieError, roleOf, type FeedbackTypes, type Item } from '../../core/index.js';
import type { MagpieConfig, ModelSpec, SurfaceConfig } from '../../config/index.js';
import type { TrainProgress } from '../../algorithms/index.js';
import type { DataStore, ModelStore } from '../../ports/index.js';
import { CatalogCache } from '../catalog.js';
import { ModelCache } from '../model-cache.js';
import { RecommendService } from '../recommend.js';
import { trainModels } from '../training.js';
import { readReplayData, replayTargets, type ReplayData, type ReplayTargets } from './replay-window.js';
import { VariantScorer, pairedDifference, type CatalogueFacts, type PairedDifference } from './replay-scorer.js';
import { variantConfig, variantModels, variantSurface, type ReplayVariant } from './replay-variants.js';

/** Empty stores the replayed state is built in (in memory: the composition root provides them). */
export interface ReplayScratch {
  data: DataStore;
  models: ModelStore;
  close(): Promise<void>;
}

export interface ReplayDeps {
  config: MagpieConfig;
  /** The engine's store: read, never written. */
  store: DataStore;
  scratch: () => ReplayScratch;
}

export interface ReplayOptions {
  /** The window [from, to), in ms: the state before `from` serves, the window scores. */
  from: number;
  to: number;
  /** A user-anchored surface (default home). */
  surface?: string | undefined;
  /** Cut-offs (default [10, 20]). */
  k?: readonly number[] | undefined;
  /** Score at most this many users, drawn with `seed`. */
  users?: number | undefined;
  /** For the user sample (default training.seed); training always uses training.seed. */
  seed?: number | undefined;
  /** The configurations to compare, the first being the baseline (default: the configured surface). */
  variants?: readonly ReplayVariant[] | undefined;
  progress?: ((p: TrainProgress) => void) | undefined;
}

export interface ReplayVariantResult {
  name: string;
  surface: SurfaceConfig;
  /** The model roles it served from (training.models, with the variant's override). */
  models: Record<string, ModelSpec>;
  /** `<metric>@<K>` → value (see ACCURACY_METRICS and BEYOND_ACCURACY_METRICS). */
  metrics: Record<string, number>;
  /** Versus the first variant; absent on the first. */
  vsBaseline?: {
    /** `<metric>@<K>` → this variant's value minus the baseline's. */
    difference: Record<string, number>;
    /** Accuracy metrics only: mean per-user difference with a 95% interval. */
    paired: Record<string, PairedDifference>;
  };
  /** Users whose list was shorter than the largest K. */
  shortLists: number;
  seconds: number;
}

export interface ReplayReport {
  from: number;
  to: number;
  surface: string;
  k: number[];
  /** What the models were trained on and served from. */
  state: { users: number; items: number; events: number; trainingRuns: number; trainingSeconds: number };
  window: Omit<ReplayTargets, 'relevant'> & { events: number; positives: number; scoredUsers: number; relevantPairs: number };
  diversity: string;
  variants: ReplayVariantResult[];
}

export const REPLAY_DIVERSITY = 'mean pairwise Jaccard distance between the items\u2019 category sets';
const INSERT_BATCH = 10_000;

/**
 * Offline replay of serving configurations over a time window of the logged events: train the
 * configured models on everything before `from`, then ask the real surface pipeline (the same
 * RecommendService as serving, at time `from`) for the list of every user with positive events
 * in [from, to), and score it against those events. docs/replay.md has the protocol.
 */
export class ReplayService {
  constructor(private readonly deps: ReplayDeps) {}

  async run(opts: ReplayOptions): Promise<ReplayReport> {
    const { config } = this.deps;
    const types = config.feedback.types;
    const surface = opts.surface ?? 'home';
    const ks = [...new Set(opts.k ?? [10, 20])].sort((a, b) => a - b);
    validate(opts, ks, config.serving.maxN);
    const variants = opts.variants && opts.variants.length > 0 ? opts.variants : [{ name: 'configured' }];
    // Every override is checked before the slow part starts.
    const surfaces = variants.map((v) => variantSurface(config, surface, v));
    const configs = variants.map((v, i) => variantConfig(config, surface, surfaces[i]!, variantModels(config, v)));
    const progress = opts.progress ?? (() => undefined);

    progress({ stage: 'reading the store', done: 0, total: 1 });
    const data = await readReplayData(this.deps.store, types, opts.from, opts.to);
    progress({ stage: 'reading the store', done: 1, total: 1 });
    if (!data.before.some((e) => roleOf(e, types) === 'positive')) {
      throw new MagpieError('VALIDATION_FAILED', 'no positive feedback before --from: there is nothing to train on', { from: opts.from });
    }
    const facts = catalogueFacts(data, types);
    const targets = replayTargets(data, facts.items, types, {
      excludeSeen: config.serving.excludeSeen,
      sample: opts.users,
      seed: opts.seed ?? config.training.seed,
    });
    if (targets.relevant.size === 0) {
      throw new MagpieError('VALIDATION_FAILED', 'no user has positive feedback on a known, unseen item inside the window', {
        from: opts.from,
        to: opts.to,
        windowUsers: targets.windowUsers,
      });
    }

    const state = this.deps.scratch();
    const scratches = [state];
    try {
      await loadState(state.data, data, opts.from);
      const catalog = new CatalogCache();
      await catalog.load(state.data);
      // Variants with the same model roles share one training run (and one model store).
      const trained = new Map<string, ModelCache>();
      let trainingSeconds = 0;
      const results: ReplayVariantResult[] = [];
      const scorers: VariantScorer[] = [];
      for (const [v, variant] of variants.entries()) {
        const vconfig = configs[v]!;
        const key = JSON.stringify(vconfig.training.models);
        let models = trained.get(key);
        if (!models) {
          const store = trained.size === 0 ? state : this.deps.scratch();
          if (store !== state) scratches.push(store);
          const t = await trainOn(vconfig, state.data, store.models, opts.from, progress);
          trainingSeconds += t.seconds;
          trained.set(key, (models = t.models));
        }
        const t0 = performance.now();
        const recommend = new RecommendService({ config: vconfig, store: state.data, catalog, models, now: () => opts.from });
        const scorer = new VariantScorer(facts, ks);
        await replayUsers(recommend, scorer, targets.relevant, { surface, n: ks[ks.length - 1]!, name: variant.name, progress });
        scorers.push(scorer);
        results.push({
          name: variant.name,
          surface: surfaces[v]!,
          models: vconfig.training.models,
          metrics: scorer.metrics(),
          shortLists: scorer.shortLists,
          seconds: (performance.now() - t0) / 1000,
        });
      }
      for (let v = 1; v < results.length; v++) results[v]!.vsBaseline = compare(results[v]!, scorers[v]!, results[0]!, scorers[0]!);
      const { relevant, ...counts } = targets;
      let relevantPairs = 0;
      for (const set of relevant.values()) relevantPairs += set.size;
      return {
        from: opts.from,
        to: opts.to,
        surface,
        k: ks,
        state: { users: data.users.length, items: data.items.length, events: data.before.length, trainingRuns: trained.size, trainingSeconds },
        window: { ...counts, events: data.windowEvents, positives: data.windowPositives.length, scoredUsers: relevant.size, relevantPairs },
        diversity: REPLAY_DIVERSITY,
        variants: results,
      };
    } finally {
      for (const s of scratches) await s.close();
    }
  }
}

function validate(opts: ReplayOptions, ks: readonly number[], maxN: number): void {
  const bad = (message: string, details?: unknown): never => {
    throw new MagpieError('VALIDATION_FAILED', message, details);
  };
  if (!Number.isSafeInteger(opts.from) || !Number.isSafeInteger(opts.to)) bad('from and to must be times in whole ms', { from: opts.from, to: opts.to });
  if (opts.from >= opts.to) bad('from must be before to', { from: opts.from, to: opts.to });
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) bad('k must be positive integers', { k: opts.k });
  if (ks[ks.length - 1]! > maxN) bad(`k cannot exceed serving.maxN (${maxN})`, { k: opts.k });
  if (opts.users !== undefined && (!Number.isInteger(opts.users) || opts.users < 1)) bad('users must be a positive integer', { users: opts.users });
  if (opts.variants && opts.variants.length > 2) bad('replay compares at most two configurations (a baseline and a candidate)');
  if (opts.variants && new Set(opts.variants.map((v) => v.name)).size !== opts.variants.length) bad('variant names must differ');
}

/** The catalogue at `from` (visible items) with its categories and popularity before `from`. */
function catalogueFacts(data: ReplayData, types: FeedbackTypes): CatalogueFacts {
  const visible = data.items.filter((it: Item) => !it.hidden);
  const items = IdIndex.from(visible.map((it) => it.id));
  const pairs = new Set<string>();
  const users = new Set<string>();
  const itemUsers = new Float64Array(items.size);
  for (const e of data.before) {
    if (roleOf(e, types) !== 'positive') continue;
    users.add(e.user);
    const i = items.indexOf(e.item);
    const pair = `${e.user}\u0000${e.item}`;
    if (i < 0 || pairs.has(pair)) continue;
    pairs.add(pair);
    itemUsers[i]!++;
  }
  return { items, categories: visible.map((it) => it.categories), itemUsers, users: users.size };
}

/**
 * Copies the state before `from` into the scratch data store. Learned rankers are not trained
 * there: they learn from impressions, which the window's own traffic produced, so surfaces are
 * replayed with their default fusion.
 */
async function loadState(store: DataStore, data: ReplayData, from: number): Promise<void> {
  await store.upsertItems(data.items);
  await store.upsertUsers(data.users);
  for (let i = 0; i < data.before.length; i += INSERT_BATCH) {
    // createMissing: a user with events but no profile row gets a bare one, as ingest would.
    await store.insertEvents(data.before.slice(i, i + INSERT_BATCH), { createMissing: true, now: from });
  }
}

/** Trains every role of the configuration on the state and loads the models for serving. */
async function trainOn(
  config: MagpieConfig,
  state: DataStore,
  modelStore: ModelStore,
  from: number,
  progress: (p: TrainProgress) => void,
): Promise<{ models: ModelCache; seconds: number }> {
  const summary = await trainModels({ config, store: state, models: modelStore, clock: { now: () => from } }, { progress });
  const models = new ModelCache(modelStore, Object.keys(config.training.models));
  await models.refresh();
  return { models, seconds: summary.seconds };
}

/** Asks the surface for each user's list, once, and feeds it to the scorer. */
async function replayUsers(
  recommend: RecommendService,
  scorer: VariantScorer,
  relevant: ReadonlyMap<string, ReadonlySet<string>>,
  o: { surface: string; n: number; name: string; progress: (p: TrainProgress) => void },
): Promise<void> {
  let done = 0;
  for (const [user, items] of relevant) {
    const response = await recommend.recommend(user, { surface: o.surface, n: o.n });
    scorer.add(response.items.map((it) => it.id), items);
    if (++done % 100 === 0 || done === relevant.size) o.progress({ stage: `replaying ${o.name}`, done, total: relevant.size });
  }
  if (scorer.unknownItems > 0) {
    throw new MagpieError('INTERNAL', `${o.name}: the pipeline recommended ${scorer.unknownItems} items unknown at --from`);
  }
}

function compare(
  candidate: ReplayVariantResult,
  candidateScorer: VariantScorer,
  baseline: ReplayVariantResult,
  baselineScorer: VariantScorer,
): NonNullable<ReplayVariantResult['vsBaseline']> {
  const difference: Record<string, number> = {};
  for (const [key, value] of Object.entries(candidate.metrics)) difference[key] = value - (baseline.metrics[key] ?? NaN);
  const paired: Record<string, PairedDifference> = {};
  // perUser holds the accuracy metrics only: the others are aggregates or undefined per user.
  for (const key of candidateScorer.perUser.keys()) {
    paired[key] = pairedDifference(candidateScorer.perUser.get(key)!, baselineScorer.perUser.get(key) ?? []);
  }
  return { difference, paired };
}
