import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ModelMeta } from '../../ports/index.js';
import type { ServerDeps } from '../deps.js';
import { errorOut } from '../format.js';
import { typed } from './common.js';

const gateOut = z
  .object({
    passed: z.boolean(),
    metric: z.string(),
    candidate: z.number().nullable(),
    serving: z.number().nullable(),
    tolerance: z.number(),
    reason: z.string(),
  })
  .nullable()
  .describe("The validation gate's verdict when this version was trained (null: no gate judged it).");

export const modelMetaOut = z.object({
  name: z.string(),
  version: z.number(),
  algorithm: z.string(),
  params: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number()),
  trainedAt: z.string(),
  trainingSeconds: z.number(),
  data: z.object({
    users: z.number(),
    items: z.number(),
    interactions: z.number(),
    events: z.number(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    logSeq: z.number().nullable().optional().describe('The event-log position the training snapshot had applied.'),
  }),
  bytes: z.number(),
  state: z.enum(['candidate', 'serving', 'retired']),
  promotedAt: z.number().nullable().describe('When this version last became serving (ms since epoch); null if never.'),
  gate: gateOut,
});

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function formatModel(m: ModelMeta): z.infer<typeof modelMetaOut> {
  return { ...m, trainedAt: new Date(m.trainedAt).toISOString(), data: { ...m.data, from: iso(m.data.from), to: iso(m.data.to) } };
}

const modelName = z.string().min(1).max(128).describe('The role (main, similar, popular, trending…) or ranker:<surface>.');
const versionParams = z.strictObject({ name: modelName, version: z.coerce.number().int().min(1).max(2 ** 31 - 1) });

/** The model registry: list and show for readers, promote and rollback for admins (docs/models.md). */
export function modelRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = typed(app);

  r.get('/api/models', {
    schema: {
      tags: ['models'],
      summary: 'Trained models, newest first: parameters, holdout metrics, data statistics, registry state and gate verdict.',
      querystring: z.strictObject({ name: z.string().max(128).optional() }),
      response: { 200: z.object({ models: z.array(modelMetaOut) }) },
    },
    handler: async (req) => ({ models: (await deps.registry.list(req.query.name)).map(formatModel) }),
  });

  r.get('/api/models/:name/:version', {
    schema: {
      tags: ['models'],
      summary: 'One model version.',
      params: versionParams,
      response: { 200: z.object({ model: modelMetaOut }), 404: errorOut },
    },
    handler: async (req) => ({ model: formatModel((await deps.registry.show(req.params.name, req.params.version)).model) }),
  });

  r.post('/api/admin/models/:name/:version/promote', {
    schema: {
      tags: ['models'],
      summary: 'Put this version in service, whatever the gate said; the serving version before it is retired.',
      params: versionParams,
      response: { 200: z.object({ model: modelMetaOut }), 404: errorOut },
    },
    handler: async (req) => ({ model: formatModel(await deps.registry.promote(req.params.name, req.params.version)) }),
  });

  r.post('/api/admin/models/:name/rollback', {
    schema: {
      tags: ['models'],
      summary: 'The version that served before the current one serves again (the current one is retired).',
      params: z.strictObject({ name: modelName }),
      response: { 200: z.object({ model: modelMetaOut }), 409: errorOut },
    },
    handler: async (req) => ({ model: formatModel(await deps.registry.rollback(req.params.name)) }),
  });
}
