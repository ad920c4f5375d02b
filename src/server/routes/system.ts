import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { errorOut } from '../format.js';
import { typed } from './common.js';
import { formatModel, modelMetaOut } from './models.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function systemRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = typed(app);

  r.get('/health', {
    schema: { tags: ['system'], summary: 'Liveness: answers 200 while the process serves.' },
    handler: async () => ({ status: 'ok' }),
  });

  r.get('/metrics', {
    schema: { tags: ['system'], summary: 'Prometheus metrics (text exposition format).' },
    handler: async (_req, reply) => {
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  });

  r.get('/api/status', {
    schema: { tags: ['system'], summary: 'Counts, models in service, training state and event-log lag.' },
    handler: async () => {
      const s = await deps.status();
      return {
        ...s,
        models: Object.fromEntries(Object.entries(s.models).map(([role, m]) => [role, { ...m, trainedAt: iso(m.trainedAt) }])),
        training: { ...s.training, lastRunAt: iso(s.training.lastRunAt) },
      };
    },
  });

  r.post('/api/admin/train', {
    schema: {
      tags: ['models'],
      summary: 'Train now; answers when the new models are in service.',
      response: { 200: z.object({ seconds: z.number(), models: z.array(modelMetaOut) }), 409: errorOut },
    },
    handler: async () => {
      const summary = await deps.train();
      return { seconds: summary.seconds, models: summary.models.map(formatModel) };
    },
  });
}
