import type { FastifyInstance } from 'fastify';
import { MagpieError, systemClock, type Clock } from '../core/index.js';
import { loadConfig, parseConfig, type MagpieConfig, type MagpieConfigInput } from '../config/index.js';
import { getAlgorithm, type TrainProgress } from '../algorithms/index.js';
import type { ServingModel } from '../pipeline/index.js';
import {
  CatalogCache,
  ExperimentService,
  rankerModelName,
  CatalogSync,
  EvaluationService,
  DriftMonitor,
  IngestService,
  InspectService,
  itemAudience,
  ImpressionLogger,
  LogWatcher,
  outcomesOf,
  LogApplier,
  ModelCache,
  ModelRegistry,
  RecommendService,
  RecordsService,
  ReplayService,
  SharedListCache,
  makeSchemas,
  newTrainerId,
  withTrainingLease,
  type Schemas,
  type TrainingSummary,
} from '../services/index.js';
import { buildServer, ServerMetrics, type EngineStatus } from '../server/index.js';
import { TrainingScheduler, startPoller } from '../worker/index.js';
import { openSharedCache, openStores, parseStorageUrl, type Stores } from './stores.js';
import { trainInProcess, trainInWorker } from './train-runner.js';
import { seedDemoData, type DemoSeedResult } from './demo.js';
import { createMemoryStores } from '../adapters/memory/index.js';

export interface EngineOptions {
  clock?: Clock;
  /** Receives training progress (the CLI draws it). */
  onTrainProgress?: (p: TrainProgress) => void;
  /** Structured log lines from background work (training, model swaps). */
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  /**
   * How an experiment variant's pinned model is loaded (default: from the model store). Tests
   * pass one that serves a deliberately broken model, to watch a canary being stopped.
   */
  loadExperimentModel?: (role: string, version: number) => Promise<ServingModel>;
}

/** The whole engine on one set of stores: ingest, storage, training, serving, HTTP. */
export interface Engine {
  readonly config: MagpieConfig;
  readonly stores: Stores;
  readonly schemas: Schemas;
  readonly records: RecordsService;
  readonly ingest: IngestService;
  readonly recommend: RecommendService;
  readonly models: ModelCache;
  /** List, show, promote and roll back model versions; promote and rollback swap this engine's models at once. */
  readonly registry: ModelRegistry;
  readonly catalog: CatalogCache;
  readonly applier: LogApplier;
  readonly experiments: ExperimentService;
  /** Offline replay of surface configurations over a window of the stored events (docs/replay.md). */
  readonly replay: ReplayService;
  /** The results cache shared with other processes (storage.cache), if one is configured. */
  readonly sharedCache: SharedListCache | undefined;
  /** Loads the generated demo data set if the store is empty. */
  seedDemo(onProgress?: (done: number, total: number) => void): Promise<DemoSeedResult>;
  /** Trains every configured role now and puts the new models in service. */
  train(): Promise<TrainingSummary>;
  status(): Promise<EngineStatus>;
  /** The HTTP API (built once); use .inject() in tests or listen(). */
  server(): Promise<FastifyInstance>;
  /** Starts HTTP plus the background loops (log apply, model refresh, scheduled training). */
  listen(): Promise<{ url: string }>;
  close(): Promise<void>;
}

const ROLE_POLL_MS_MIN = 200;

/**
 * The composition root: reads the config, opens the stores the storage URL names, and wires
 * services, server and background loops. The only place that names concrete adapters.
 */
export async function createEngine(input: MagpieConfigInput | MagpieConfig = {}, opts: EngineOptions = {}): Promise<Engine> {
  const config = parseConfig(input);
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? (() => undefined);
  const target = parseStorageUrl(config.storage.url);
  const stores = await openStores(target, { url: config.storage.eventLog, stream: config.storage.eventLogStream });
  const cacheStore = await openSharedCache(config.storage.cache, config.storage.cacheKeyPrefix);
  const shared = cacheStore
    ? new SharedListCache(cacheStore, {
        onStateChange: (up, err) =>
          up ? log('info', 'shared cache is back') : log('warn', 'shared cache unavailable: serving without it', { err: String(err) }),
      })
    : undefined;

  const catalog = new CatalogCache();
  // Several processes on one store see each other's item writes through the shared cache.
  const catalogSync = cacheStore ? new CatalogSync(cacheStore, () => catalog.reload(stores.data)) : undefined;
  const impressions = new ImpressionLogger(stores.impressions, config.serving.attributionMinutes * 60_000, {
    flushMs: 200,
    maxItems: 5_000,
    onError: (err) => log('error', 'impression logging failed', { err: String(err) }),
  });
  // Assigned below; events applied before it exists (recovery) have no cache to invalidate.
  let recommend: RecommendService | undefined;
  const applier = new LogApplier(stores.log, stores.data, {
    consumer: 'store',
    batchSize: 10_000,
    clock,
    onApplied: (events) => {
      catalog.ensure(events.map((e) => e.item));
      for (const e of events) recommend?.invalidateUser(e.user);
      impressions.outcome(outcomesOf(events, config.feedback.types));
      // Awaited by the drain, so an ingest that waits for apply answers after every process's
      // shared lists of these users are retired (invalidate never rejects).
      return shared?.invalidate(new Set(events.map((e) => e.user)));
    },
  });
  const models = new ModelCache(stores.models, Object.keys(config.training.models), {
    onSwap: (role, sm) => log('info', `model in service: ${role} v${sm.meta.version} (${sm.meta.algorithm})`),
    onError: (role, err) => log('error', `cannot load model ${role}`, { err: String(err) }),
  });
  const schemas = makeSchemas(config.ingest);
  // The replayed state lives in throwaway in-memory stores; the engine's store is only read.
  const replay = new ReplayService({ config, store: stores.data, scratch: createMemoryStores });
  const records = new RecordsService({
    store: stores.data,
    catalog,
    clock,
    onUsersChanged: (ids) => {
      for (const id of ids) recommend?.invalidateUser(id);
      void shared?.invalidate(ids);
    },
    onItemsChanged: () => void catalogSync?.changed(),
  });
  const ingest = new IngestService({
    config,
    store: stores.data,
    log: stores.log,
    applier,
    clock,
    onApplied: async (events) => {
      const users = new Set(events.map((e) => e.user));
      for (const u of users) recommend?.invalidateUser(u);
      await shared?.invalidate(users);
    },
  });
  const experiments = new ExperimentService({
    config,
    store: stores.experiments,
    impressions: stores.impressions,
    data: stores.data,
    models,
    loadModel:
      opts.loadExperimentModel ??
      (async (role, version) => {
        const stored = await stores.models.get(role, version);
        if (!stored) throw new MagpieError('MODEL_NOT_FOUND', `no model ${role} v${version}`, { role, version });
        return { model: getAlgorithm(stored.meta.algorithm).deserialize(stored.blob), meta: stored.meta };
      }),
    learnedRanker: async (surface) => {
      const stored = await stores.models.latest(rankerModelName(surface));
      return stored ? { blob: stored.blob, version: stored.meta.version } : null;
    },
    flushImpressions: () => impressions.flush(),
    now: () => clock.now(),
    log,
  });
  recommend = new RecommendService({
    config,
    store: stores.data,
    catalog,
    models,
    impressions: config.serving.logImpressions ? impressions : undefined,
    now: () => clock.now(),
    experiments,
    shared,
  });

  const inspect = new InspectService({ config, store: stores.data, recommend, now: () => clock.now() });
  const evaluation = new EvaluationService({ config, store: stores.data, now: () => clock.now() });

  /** Swaps in newer models, then warms the serving structures they need before requests do. */
  const refreshModels = async (): Promise<string[]> => {
    const swapped = await models.refresh();
    try {
      for (const surface of (await recommend?.refreshRankers(stores.models)) ?? []) log('info', `learned ranker in service: ${surface}`);
    } catch (err) {
      log('error', 'cannot load a learned ranker', { err: String(err) });
    }
    if (swapped.length > 0) {
      // Lists of the old models retire with them, so every process serves the new ones alike.
      recommend?.cache.clear();
      try {
        recommend?.warmUp();
      } catch (err) {
        log('warn', 'serving warm-up failed', { err: String(err) });
      }
    }
    return swapped;
  };

  const registry = new ModelRegistry(stores.models, () => refreshModels());
  const drift = new DriftMonitor({
    log: stores.log,
    types: config.feedback.types,
    serving: () => models.get('main')?.meta,
    window: config.training.driftWindow,
    maxAgeMs: 60_000,
    now: () => clock.now(),
  });

  // Recover: apply whatever a previous process appended but did not apply, then load state.
  await applier.drain();
  await catalogSync?.poll().catch(() => undefined);
  await catalog.load(stores.data);
  await refreshModels();
  // Serve the experiments already running (a restart, or another process started them).
  await experiments.sync();

  const useWorker = config.training.inWorker && target.shareable;
  const intervalMs = config.training.enabled ? config.training.intervalMinutes * 60_000 : 0;
  // Every run, scheduled or on demand, holds the store's training lease: of all the processes on
  // one store only one trains at a time, the others are refused (see withTrainingLease).
  const trainerId = newTrainerId();
  const scheduler = new TrainingScheduler<TrainingSummary>({
    intervalMs,
    run: () =>
      withTrainingLease(
        stores.models,
        trainerId,
        async () => {
          // What the store has applied so far: the snapshot holds at least these events.
          const logSeq = await stores.log.committed('store');
          return useWorker
            ? trainInWorker(config, clock.now(), opts.onTrainProgress, logSeq)
            : trainInProcess(config, stores, clock, opts.onTrainProgress, logSeq);
        },
        { log },
      ),
    // Several servers on one store each keep a schedule; whichever comes first trains, and the
    // others, seeing models younger than half an interval, leave it at that.
    skipReason: async () => {
      await refreshModels();
      // Models the gate refused count too: a run happened then, whatever it promoted.
      const newest = Math.max(-Infinity, ...(await newestTrained()).map((m) => m.trainedAt));
      const age = clock.now() - newest;
      return age < intervalMs / 2 ? `the models in service were trained ${Math.round(age / 1000)} s ago` : null;
    },
    onDone: async (summary) => {
      metrics.trainingDone(summary.seconds, summary.models);
      await refreshModels();
      for (const m of summary.models) {
        if (m.state !== 'serving') log('warn', `model ${m.name} v${m.version} kept as a candidate: ${m.gate?.reason ?? 'not promoted'}`);
      }
      log('info', `training finished in ${summary.seconds.toFixed(1)} s`);
    },
    onError: (err) => log('error', 'training failed', { err: String(err) }),
    onSkipped: (reason) => log('info', `training skipped: ${reason}`),
  });

  // An API server beside a trainer (training.enabled false) refuses on-demand runs.
  const trainNow = (): Promise<TrainingSummary> =>
    config.training.enabled
      ? scheduler.trigger()
      : Promise.reject(new MagpieError('TRAINING_DISABLED', 'this process does not train (training.enabled is false); ask the trainer process'));

  const metrics = new ServerMetrics({
    models: () => models.all().map((sm) => ({ role: sm.meta.name, version: sm.meta.version, trainedAt: sm.meta.trainedAt })),
    logLag: () => applier.lag(),
    cache: () => ({ hits: recommend.cache.hits, misses: recommend.cache.misses, entries: recommend.cache.size }),
    exposures: () => experiments.exposureCounts(),
    sharedCache: shared && (() => ({ hits: shared.hits, misses: shared.misses, failures: shared.failures, up: shared.available })),
    drift: () => drift.current(),
  });

  /** The most recently saved version of each configured role, whatever its state. */
  const newestTrained = async () => {
    const metas = await Promise.all(
      Object.keys(config.training.models).map(async (role) => stores.models.meta(role, await stores.models.latestVersion(role))),
    );
    return metas.filter((m) => m !== null);
  };

  const status = async (): Promise<EngineStatus> => {
    const s = scheduler.status();
    return {
      counts: await stores.data.counts(),
      models: Object.fromEntries(
        models.all().map((sm) => [
          sm.meta.name,
          {
            version: sm.meta.version,
            algorithm: sm.meta.algorithm,
            trainedAt: sm.meta.trainedAt,
            metrics: sm.meta.metrics,
            trainingSeconds: sm.meta.trainingSeconds,
          },
        ]),
      ),
      training: { state: s.state, lastRunAt: s.lastRunAt, lastError: s.lastError },
      logLag: await applier.lag(),
      drift: await drift.current().catch(() => null),
    };
  };

  let app: FastifyInstance | null = null;
  const stopLoops: (() => void)[] = [];
  const server = async (): Promise<FastifyInstance> => {
    app ??= await buildServer({
      config,
      schemas,
      records,
      ingest,
      recommend,
      experiments,
      metrics,
      status,
      listModels: (name) => stores.models.list(name),
      registry,
      ctr: async (q) => {
        await impressions.flush();
        return stores.impressions.ctr(q);
      },
      train: trainNow,
      eventCounts: (q) => stores.data.eventCounts(q),
      inspect,
      audience: async (item, q) => {
        await impressions.flush();
        return itemAudience(stores.impressions, item, q);
      },
      evaluate: (req) => evaluation.evaluate(req),
    });
    return app;
  };

  let closed = false;
  return {
    config,
    stores,
    schemas,
    records,
    ingest,
    recommend,
    models,
    registry,
    catalog,
    applier,
    experiments,
    replay,
    sharedCache: shared,
    seedDemo: (onProgress) =>
      seedDemoData({ stores, records, ingest, clock, maxBatch: config.ingest.maxBatch }, onProgress),
    train: trainNow,
    status,
    server,
    async listen() {
      const fastify = await server();
      const url = await fastify.listen({ host: config.server.host, port: config.server.port });
      const pollMs = Math.max(ROLE_POLL_MS_MIN, config.serving.modelPollSeconds * 1000);
      stopLoops.push(startPoller(pollMs, () => refreshModels(), (err) => log('error', 'model refresh failed', { err: String(err) })));
      stopLoops.push(
        startPoller(config.experiments.pollSeconds * 1000, () => experiments.sync(), (err) => log('error', 'experiment sync failed', { err: String(err) })),
      );
      stopLoops.push(startPoller(1_000, () => applier.drain(), (err) => log('error', 'log apply failed', { err: String(err) })));
      // Events appended by any process drop this process's cached lists of their users.
      const watcher = new LogWatcher(stores.log, (users) => {
        for (const u of users) recommend?.invalidateUser(u);
      });
      await watcher.poll(); // the starting position, before anything is served
      if (catalogSync) stopLoops.push(startPoller(1_000, () => catalogSync.poll(), () => undefined)); // outages: see SharedListCache's log
      stopLoops.push(startPoller(200, () => watcher.poll(), (err) => log('error', 'log watch failed', { err: String(err) })));
      scheduler.start();
      stopLoops.push(() => scheduler.stop());
      return { url };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of stopLoops) stop();
      await app?.close();
      await scheduler.idle();
      await applier.drain().catch(() => undefined);
      await impressions.flush();
      await experiments.flush().catch((err: unknown) => log('error', 'experiment flush failed', { err: String(err) }));
      await stores.close();
      await cacheStore?.close();
    },
  };
}

/** createEngine from files and environment (magpie.config.json, MAGPIE_* variables) plus overrides. */
export function createEngineFromEnv(overrides: MagpieConfigInput = {}, opts: EngineOptions = {}, file?: string): Promise<Engine> {
  return createEngine(loadConfig({ file, overrides }), opts);
}
