import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DriftSignal } from '../services/index.js';

export interface MetricsSources {
  /** Models in service: role, version, trainedAt (ms). */
  models: () => { role: string; version: number; trainedAt: number }[];
  /** Events appended to the log but not yet applied. */
  logLag: () => Promise<number>;
  /** The per-user results cache of this process: lookups that hit and missed, entries held. */
  cache: () => { hits: number; misses: number; entries: number };
  /** The drift signal of the serving model (services/drift.ts); absent or null: not known. */
  drift?: () => Promise<DriftSignal | null>;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Prometheus metrics for one engine (its own registry, so several engines never collide). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly eventsIngested: Counter;
  readonly recommendations: Counter<'kind'>;
  readonly listSeconds: Histogram<'route' | 'surface'>;
  readonly trainingSeconds: Histogram;
  readonly modelsTrained: Counter<'role' | 'outcome'>;
  /** The surface each list response was served through, read back when the response is timed. */
  private readonly surfaceOf = new WeakMap<FastifyRequest, string>();

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'magpie_' });
    this.requestSeconds = new Histogram({
      name: 'magpie_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.listSeconds = new Histogram({
      name: 'magpie_list_duration_seconds',
      help: 'Latency of the routes that serve a list (recommend, rerank, similar, popular…), by route and surface.',
      labelNames: ['route', 'surface'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.trainingSeconds = new Histogram({
      name: 'magpie_training_duration_seconds',
      help: 'Wall time of training runs that finished in this process (every role, gate included).',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers: [this.registry],
    });
    this.modelsTrained = new Counter({
      name: 'magpie_models_trained_total',
      help: 'Models trained in this process, by role and gate outcome (promoted, refused).',
      labelNames: ['role', 'outcome'],
      registers: [this.registry],
    });
    this.eventsIngested = new Counter({
      name: 'magpie_events_ingested_total',
      help: 'Feedback events accepted (appended to the log).',
      registers: [this.registry],
    });
    this.recommendations = new Counter({
      name: 'magpie_recommendations_total',
      help: 'Lists served, by kind (recommend, similar, popular, trending, latest).',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'magpie_model_version',
      help: 'Version of the model in service, by role.',
      labelNames: ['role'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const m of sources.models()) this.set({ role: m.role }, m.version);
      },
    });
    new Gauge({
      name: 'magpie_model_age_seconds',
      help: 'Seconds since the model in service was trained, by role.',
      labelNames: ['role'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const m of sources.models()) this.set({ role: m.role }, (Date.now() - m.trainedAt) / 1000);
      },
    });
    new Counter({
      name: 'magpie_serving_cache_lookups_total',
      help: 'Lookups in the per-user results cache of this process, by result (hit, miss).',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const c = sources.cache();
        this.reset();
        this.inc({ result: 'hit' }, c.hits);
        this.inc({ result: 'miss' }, c.misses);
      },
    });
    new Gauge({
      name: 'magpie_serving_cache_entries',
      help: 'Lists held in the per-user results cache of this process.',
      registers: [this.registry],
      collect() {
        this.set(sources.cache().entries);
      },
    });
    const drift = sources.drift;
    if (drift) {
      for (const [side, help] of [
        ['items', 'item popularity'],
        ['users', 'user activity'],
      ] as const) {
        new Gauge({
          name: `magpie_drift_${side}_jsd`,
          help: `Jensen-Shannon divergence (bits, 0..1) of ${help} between the serving main model's training snapshot and recent events (last N positive events each).`,
          registers: [this.registry],
          async collect() {
            this.reset();
            const signal = await drift().catch(() => null);
            if (signal) this.set(signal[side]);
          },
        });
      }
    }
    new Gauge({
      name: 'magpie_event_log_lag',
      help: 'Events appended to the log and not yet applied.',
      registers: [this.registry],
      async collect() {
        this.set(await sources.logLag());
      },
    });
  }

  /** Times every request under its route pattern (not its URL, to keep label cardinality low). */
  install(app: FastifyInstance): void {
    // A list response (it has a request id) names the surface it went through, if any: noted
    // here, before it is serialised. Popular, trending and latest have none ("none").
    app.addHook('preSerialization', async (req, _reply, payload) => {
      const list = payload as { surface?: unknown; requestId?: unknown } | null;
      if (typeof list?.requestId === 'string') this.surfaceOf.set(req, typeof list.surface === 'string' ? list.surface : 'none');
      return payload;
    });
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      const seconds = reply.elapsedTime / 1000;
      this.requestSeconds.observe({ method: req.method, route, status: String(reply.statusCode) }, seconds);
      const surface = this.surfaceOf.get(req);
      if (surface !== undefined) this.listSeconds.observe({ route, surface }, seconds);
    });
  }

  /** Records a finished training run: its duration and each model's gate outcome. */
  trainingDone(seconds: number, models: readonly { name: string; state: string }[]): void {
    this.trainingSeconds.observe(seconds);
    for (const m of models) this.modelsTrained.inc({ role: m.name, outcome: m.state === 'serving' ? 'promoted' : 'refused' });
  }
}
