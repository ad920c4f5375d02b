import { MagpieError } from '../../core/index.js';
import type { MagpieConfig } from '../../config/index.js';
import type { ModelSet, ServingModel } from '../../pipeline/index.js';
import type { DataStore, Experiment, ExperimentStore, ImpressionStore, ShadowList } from '../../ports/index.js';
import { draftExperiment } from './definition.js';
import { canaryVerdict, HealthRecorder, summarise } from './health.js';
import { experimentReport, type ExperimentReport } from './report.js';
import { ExperimentRoute, type RouteSink } from './route.js';
import { buildRuntime, type ExperimentRuntime, type RuntimeDeps } from './runtime.js';

export interface ExperimentServiceDeps {
  config: MagpieConfig;
  store: ExperimentStore;
  impressions: ImpressionStore;
  data: DataStore;
  /** The models in service (variants without a pinned model use them). */
  models: ModelSet;
  loadModel(role: string, version: number): Promise<ServingModel>;
  learnedRanker?: RuntimeDeps['learnedRanker'];
  /** Writes queued impressions, so a report includes the latest lists. */
  flushImpressions?: () => Promise<void>;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/** Shadow lists waiting to be written; beyond this many, new ones are dropped (measurement only). */
const MAX_QUEUED_SHADOW = 50_000;

/**
 * A/B experiments: definitions and their life cycle (draft → running → stopped) in the shared
 * store, the routing of each request of a bucketed user (route), per-variant health reported to
 * the store and judged for canaries (sync), and reports. Every server process runs sync on a
 * timer, so a start or stop made through any of them reaches all within experiments.pollSeconds.
 */
export class ExperimentService implements RouteSink {
  /** Running experiments by surface, as this process serves them. */
  private running = new Map<string, ExperimentRuntime>();
  private readonly healthRecorder = new HealthRecorder();
  private shadowQueue: ShadowList[] = [];
  private readonly exposures = new Map<string, number>();
  private syncing: Promise<void> | null = null;
  /** Bumped by every start and stop here, so a sync that read the store before one does not undo it. */
  private changes = 0;

  constructor(private readonly deps: ExperimentServiceDeps) {}

  async create(definition: unknown): Promise<Experiment> {
    const e = draftExperiment(definition, this.now());
    if (!this.deps.config.serving.surfaces[e.surface]) {
      throw new MagpieError('VALIDATION_FAILED', `experiment: no surface "${e.surface}"`, { known: Object.keys(this.deps.config.serving.surfaces) });
    }
    await buildRuntime(e, this.runtimeDeps()); // refuses what could not serve, before it is stored
    await this.deps.store.create(e);
    return e;
  }

  list(): Promise<Experiment[]> {
    return this.deps.store.list();
  }

  async get(id: string): Promise<Experiment> {
    const e = await this.deps.store.get(id);
    if (!e) throw new MagpieError('EXPERIMENT_NOT_FOUND', `no experiment "${id}"`, { id });
    return e;
  }

  /** Starts a draft; this process serves it at once, the others from their next sync. */
  async start(id: string): Promise<Experiment> {
    const draft = await this.get(id);
    const runtime = await buildRuntime({ ...draft, status: 'running' }, this.runtimeDeps());
    const started = await this.deps.store.start(id, this.now());
    this.running.set(started.surface, runtime.as(started));
    this.changes++;
    this.deps.log?.('info', `experiment started: ${id} on ${started.surface}`);
    return started;
  }

  async stop(id: string, reason = 'stopped by hand'): Promise<Experiment> {
    await this.flush(); // its last health and shadow lists belong to it
    const { experiment, changed } = await this.deps.store.stop(id, this.now(), reason);
    if (this.running.get(experiment.surface)?.experiment.id === id) this.running.delete(experiment.surface);
    this.changes++;
    if (changed) this.deps.log?.('info', `experiment stopped: ${id} (${reason})`);
    return experiment;
  }

  async report(id: string): Promise<ExperimentReport> {
    const e = await this.get(id);
    await this.flush();
    await this.deps.flushImpressions?.();
    return experimentReport(e, {
      impressions: this.deps.impressions,
      data: this.deps.data,
      experiments: this.deps.store,
      feedbackTypes: this.deps.config.feedback.types,
      conversionTypes: this.deps.config.experiments.conversionTypes,
      attributionMs: this.deps.config.serving.attributionMinutes * 60_000,
      now: this.now(),
    });
  }

  /** The request's experiment route, or null when no running experiment covers the surface (or the user is anonymous). */
  route(user: string, surface: string): ExperimentRoute | null {
    if (user === '' || this.running.size === 0) return null;
    const runtime = this.running.get(surface);
    return runtime ? new ExperimentRoute(runtime, runtime.assign(user), this) : null;
  }

  /**
   * Reports this process's health and shadow lists to the store, serves exactly the experiments
   * the store says are running, and stops any canary whose health is worse than its control's.
   * Concurrent calls share one run.
   */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Lists served per experiment and variant since start (the Prometheus exposure counter). */
  exposureCounts(): { experiment: string; variant: string; count: number }[] {
    return [...this.exposures].map(([key, count]) => {
      const at = key.indexOf('\u0000');
      return { experiment: key.slice(0, at), variant: key.slice(at + 1), count };
    });
  }

  /** Writes pending health deltas and shadow lists to the store. */
  async flush(): Promise<void> {
    for (const [id, deltas] of this.healthRecorder.take()) {
      try {
        await this.deps.store.addHealth(id, deltas);
      } catch (err) {
        this.healthRecorder.restore(id, deltas);
        throw err;
      }
    }
    const lists = this.shadowQueue;
    this.shadowQueue = [];
    await this.deps.store.appendShadow(lists);
  }

  // RouteSink: called on the request path, so only in-memory work.
  health(experiment: string, variant: string, ms: number, failed: boolean): void {
    this.healthRecorder.record(experiment, variant, ms, failed);
  }

  exposure(experiment: string, variant: string): void {
    const key = `${experiment}\u0000${variant}`;
    this.exposures.set(key, (this.exposures.get(key) ?? 0) + 1);
  }

  shadow(list: ShadowList): void {
    if (this.shadowQueue.length < MAX_QUEUED_SHADOW) this.shadowQueue.push(list);
  }

  variantFailed(experiment: string, variant: string, err: unknown): void {
    this.deps.log?.('warn', `experiment ${experiment}: variant ${variant} failed; served the control`, { err: String(err) });
  }

  private async syncOnce(): Promise<void> {
    await this.flush();
    const changes = this.changes;
    const running = (await this.deps.store.list()).filter((e) => e.status === 'running');
    const next = new Map<string, ExperimentRuntime>();
    for (const e of running) {
      const current = this.running.get(e.surface);
      if (current && current.experiment.id === e.id) {
        next.set(e.surface, current);
        continue;
      }
      try {
        next.set(e.surface, await buildRuntime(e, this.runtimeDeps()));
      } catch (err) {
        // This process cannot serve it (a model it cannot load…): its users get the surface as configured.
        this.deps.log?.('error', `experiment ${e.id} cannot be served by this process`, { err: String(err) });
      }
    }
    if (changes !== this.changes) return; // a start or stop here came after the read: the next sync sees it
    this.running = next;
    for (const e of running) await this.judgeCanaries(e);
  }

  private async judgeCanaries(e: Experiment): Promise<void> {
    const canaries = e.variants.filter((v) => v.mode === 'canary');
    if (canaries.length === 0 || !e.canary) return;
    const health = new Map((await this.deps.store.health(e.id)).map((h) => [h.variant, summarise(h)]));
    const control = health.get(e.control) ?? summarise(undefined);
    for (const v of canaries) {
      const reason = canaryVerdict(v.name, e.canary, control, health.get(v.name) ?? summarise(undefined));
      if (reason === null) continue;
      this.deps.log?.('warn', reason, { experiment: e.id });
      await this.stop(e.id, reason);
      return;
    }
  }

  private runtimeDeps(): RuntimeDeps {
    const { config, models, loadModel, learnedRanker } = this.deps;
    return { config, models, loadModel, ...(learnedRanker ? { learnedRanker } : {}) };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
