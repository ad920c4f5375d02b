import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { errorOut, formatItem, itemOut, pageOf, recommendationOut } from '../format.js';
import { batchBody, idParams, surfaceQuery, pageQuery, typed, upsertedOut } from './common.js';

export function itemRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const s = deps.schemas;
  const r = typed(app);
  const tags = ['items'];

  r.post('/api/items', {
    preValidation: batchBody(deps.config.ingest.maxBatch),
    schema: {
      tags,
      summary: 'Create or replace items (a batch, or one item).',
      body: s.batch(s.itemInput),
      response: { 200: upsertedOut, 400: errorOut, 413: errorOut },
    },
    handler: async (req) => ({ upserted: await deps.records.upsertItems(req.body) }),
  });

  r.get('/api/items', {
    schema: { tags, summary: 'List items by id, with a cursor.', querystring: pageQuery, response: { 200: pageOf(itemOut) } },
    handler: async (req) => {
      const page = await deps.records.listItems(req.query.limit, req.query.cursor);
      return { items: page.items.map(formatItem), next: page.next };
    },
  });

  r.get('/api/items/:id', {
    schema: { tags, summary: 'One item.', params: idParams(s), response: { 200: itemOut, 404: errorOut } },
    handler: async (req) => formatItem(await deps.records.getItem(req.params.id)),
  });

  r.patch('/api/items/:id', {
    schema: {
      tags,
      summary: 'Change some fields of an item (numeric attributes merge; null deletes one).',
      params: idParams(s),
      body: s.itemPatch,
      response: { 200: itemOut, 404: errorOut },
    },
    handler: async (req) => formatItem(await deps.records.patchItem(req.params.id, req.body)),
  });

  r.delete('/api/items/:id', {
    schema: { tags, summary: 'Delete an item and all feedback on it.', params: idParams(s), response: { 204: z.null().describe('Deleted.'), 404: errorOut } },
    handler: async (req, reply) => {
      await deps.records.deleteItem(req.params.id);
      return reply.status(204).send(null);
    },
  });

  r.get('/api/items/:id/similar', {
    schema: {
      tags: ['recommendations'],
      summary: 'Items similar to this one.',
      description: 'Through the `item` surface (or another item-anchored one): neighbours of the item, filled with popular items.',
      params: idParams(s),
      querystring: surfaceQuery(s, deps.config).extend({ user: s.id.optional().describe('The viewer, if known: their seen and disliked items are left out.') }),
      response: { 200: recommendationOut, 400: errorOut, 404: errorOut },
    },
    handler: async (req) => {
      deps.metrics.recommendations.inc({ kind: 'similar' });
      return deps.recommend.similar(req.params.id, req.query, req.query.user);
    },
  });
}
