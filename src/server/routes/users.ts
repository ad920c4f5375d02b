import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { errorOut, eventOut, formatEvent, formatUser, pageOf, userOut } from '../format.js';
import { batchBody, idParams, pageQuery, typed, upsertedOut } from './common.js';

export function userRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const s = deps.schemas;
  const r = typed(app);
  const tags = ['users'];

  r.post('/api/users', {
    preValidation: batchBody(deps.config.ingest.maxBatch),
    schema: {
      tags,
      summary: 'Create or replace users (a batch, or one user).',
      body: s.batch(s.userInput),
      response: { 200: upsertedOut, 400: errorOut, 413: errorOut },
    },
    handler: async (req) => ({ upserted: await deps.records.upsertUsers(req.body) }),
  });

  r.get('/api/users', {
    schema: { tags, summary: 'List users by id, with a cursor.', querystring: pageQuery, response: { 200: pageOf(userOut) } },
    handler: async (req) => {
      const page = await deps.records.listUsers(req.query.limit, req.query.cursor);
      return { items: page.items.map(formatUser), next: page.next };
    },
  });

  r.get('/api/users/:id', {
    schema: { tags, summary: 'One user.', params: idParams(s), response: { 200: userOut, 404: errorOut } },
    handler: async (req) => formatUser(await deps.records.getUser(req.params.id)),
  });

  r.patch('/api/users/:id', {
    schema: {
      tags,
      summary: 'Merge attributes into a user (a null value deletes the attribute).',
      params: idParams(s),
      body: s.userPatch,
      response: { 200: userOut, 404: errorOut },
    },
    handler: async (req) => formatUser(await deps.records.patchUser(req.params.id, req.body)),
  });

  r.delete('/api/users/:id', {
    schema: { tags, summary: 'Delete a user and all of their feedback.', params: idParams(s), response: { 204: z.null().describe('Deleted.'), 404: errorOut } },
    handler: async (req, reply) => {
      await deps.records.deleteUser(req.params.id);
      return reply.status(204).send(null);
    },
  });

  r.get('/api/users/:id/events', {
    schema: {
      tags,
      summary: "A user's feedback, newest first.",
      params: idParams(s),
      querystring: z.strictObject({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        before: z.coerce.number().int().min(0).optional().describe('Only events before this time (epoch ms).'),
        beforeId: s.id.optional().describe("With before: also events at exactly that time whose id sorts below this one (pass the last event's id)."),
      }),
      response: { 200: z.object({ items: z.array(eventOut) }) },
    },
    handler: async (req) => {
      const { limit, before, beforeId } = req.query;
      const events = await deps.recommend.history(req.params.id, limit, before, beforeId);
      return { items: events.map(formatEvent) };
    },
  });
}
