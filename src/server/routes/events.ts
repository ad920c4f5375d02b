import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { errorOut } from '../format.js';
import { batchBody, typed } from './common.js';

export const ingestOut = z.object({ accepted: z.number(), firstSeq: z.number(), lastSeq: z.number() });

export function eventRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const s = deps.schemas;
  typed(app).post('/api/events', {
    preValidation: batchBody(deps.config.ingest.maxBatch),
    schema: {
      tags: ['feedback'],
      summary: 'Record feedback events (a batch of up to ingest.maxBatch, or one event).',
      description:
        'Events are appended to the durable event log before the answer: a 200 means they survive a crash. ' +
        'An event whose id was seen before is ignored, so retrying a batch is safe.',
      body: s.batch(s.eventInput),
      response: {
        200: ingestOut,
        400: errorOut,
        413: errorOut,
        422: errorOut,
      },
    },
    handler: async (req) => {
      const result = await deps.ingest.ingest(req.body);
      deps.metrics.eventsIngested.inc(result.accepted);
      return result;
    },
  });
}
