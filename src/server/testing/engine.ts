import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../bootstrap/index.js';
import { EvaluationService, InspectService, itemAudience } from '../../services/index.js';
import { createApiKey, deepMerge, type ApiRole, type MagpieConfigInput } from '../../config/index.js';
import { buildServer, type BuildServerOptions } from '../app.js';
import { ServerMetrics } from '../metrics.js';

/** An in-memory engine for HTTP tests: nothing on disk, training on the calling thread. */
export async function testEngine(overrides: MagpieConfigInput = {}): Promise<{ engine: Engine; app: FastifyInstance }> {
  const config = deepMerge(
    { storage: { url: 'memory:' }, server: { logLevel: 'silent' }, training: { inWorker: false, intervalMinutes: 0 } },
    overrides,
  ) as MagpieConfigInput;
  const engine = await createEngine(config);
  return { engine, app: await engine.server() };
}

/** One fresh key per role, plus the `server.auth` section that admits them. */
export function keysPerRole(limits: Partial<Record<ApiRole, number>> = {}): {
  keys: Record<ApiRole, string>;
  auth: { keys: ReturnType<typeof createApiKey>['entry'][] };
} {
  const made = (['read', 'write', 'admin'] as const).map((role) => ({ role, ...createApiKey(`${role}-client`, role, limits[role]) }));
  return {
    keys: Object.fromEntries(made.map((m) => [m.role, m.key])) as Record<ApiRole, string>,
    auth: { keys: made.map((m) => m.entry) },
  };
}

/** A second HTTP server on an engine's services, with its own logger options (log capture). */
export function serverOn(engine: Engine, opts: BuildServerOptions): Promise<FastifyInstance> {
  return buildServer(
    {
      config: engine.config,
      schemas: engine.schemas,
      records: engine.records,
      ingest: engine.ingest,
      recommend: engine.recommend,
      experiments: engine.experiments,
      metrics: new ServerMetrics({
        models: () => [],
        logLag: () => engine.applier.lag(),
        cache: () => ({ hits: engine.recommend.cache.hits, misses: engine.recommend.cache.misses, entries: engine.recommend.cache.size }),
      }),
      status: () => engine.status(),
      listModels: (name) => engine.stores.models.list(name),
      registry: engine.registry,
      ctr: (q) => engine.stores.impressions.ctr(q),
      train: () => engine.train(),
      eventCounts: (q) => engine.stores.data.eventCounts(q),
      inspect: new InspectService({ config: engine.config, store: engine.stores.data, recommend: engine.recommend }),
      audience: (item, q) => itemAudience(engine.stores.impressions, item, q),
      evaluate: (req) => new EvaluationService({ config: engine.config, store: engine.stores.data }).evaluate(req),
    },
    opts,
  );
}
