import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { errorOut, recommendationJson, recommendationOut } from '../format.js';
import { listQuery, surfaceQuery, typed } from './common.js';

export const ctrOut = z.object({
  by: z.string(),
  rows: z.array(z.object({ key: z.string(), impressions: z.number(), clicks: z.number(), ctr: z.number() })),
});

export function recommendRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const s = deps.schemas;
  const r = typed(app);
  const tags = ['recommendations'];
  const query = listQuery(s, deps.config);

  r.get('/api/recommend/:user', {
    schema: {
      tags,
      summary: "A user's personalised list, through a surface (home by default).",
      description:
        'Candidates from every source of the surface (collaborative, item-kNN of recent items, trending, fresh, popular…) ' +
        'are fused by the ranker and post-processed (filters, rules, diversity, exploration). The live history counts at ' +
        'once; seen, disliked and hidden items never appear. Each item carries its source and a reason. Pages ' +
        '(offset) are slices of one ordering, so page 2 never repeats page 1.',
      params: z.strictObject({ user: s.id }),
      querystring: surfaceQuery(s, deps.config),
      response: { 200: recommendationOut, 400: errorOut, 404: errorOut },
    },
    serializerCompiler: recommendationJson,
    handler: async (req) => {
      deps.metrics.recommendations.inc({ kind: 'recommend' });
      return deps.recommend.recommend(req.params.user, req.query);
    },
  });

  r.post('/api/rerank', {
    schema: {
      tags,
      summary: "Reorders the caller's items for a user (search results, a category page…).",
      description:
        'Every source of the surface (rerank by default) scores the given items; the ranker orders them. Items no ' +
        "source knows keep their given order after the others. Hidden and disliked items are removed; seen ones are kept.",
      body: z.strictObject({
        user: s.id,
        items: z.array(s.id).min(1).max(deps.config.serving.maxN),
        n: z.number().int().min(1).max(deps.config.serving.maxN).optional(),
        surface: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/).optional(),
        filter: z.string().max(1000).optional(),
      }),
      response: { 200: recommendationOut, 400: errorOut, 404: errorOut },
    },
    handler: async (req) => {
      deps.metrics.recommendations.inc({ kind: 'rerank' });
      const { user, items, ...q } = req.body;
      return deps.recommend.rerank(user, items, q);
    },
  });

  const lists = [
    ['popular', 'Most popular items overall.'],
    ['trending', 'Items gaining popularity recently.'],
    ['latest', 'Newest items (reachable before any model knows them).'],
  ] as const;
  for (const [kind, summary] of lists) {
    r.get(`/api/${kind}`, {
      schema: { tags, summary, querystring: query, response: { 200: recommendationOut, 400: errorOut } },
      handler: async (req) => {
        deps.metrics.recommendations.inc({ kind });
        if (kind === 'latest') return deps.recommend.latest(req.query);
        return kind === 'popular' ? deps.recommend.popular(req.query) : deps.recommend.trending(req.query);
      },
    });
  }

  r.get('/api/stats/ctr', {
    schema: {
      tags: ['measurement'],
      summary: 'Click-through rate of served lists, per surface, source or experiment variant.',
      description:
        'An impression is one shown item; a click is a positive event attributed to it (by the request id the client ' +
        `echoed in context.requestId, else to the newest impression of that item for that user within ${deps.config.serving.attributionMinutes} minutes).`,
      querystring: z.strictObject({
        by: z.enum(['surface', 'source', 'variant']).default('surface'),
        surface: z.string().max(64).optional(),
        from: z.coerce.number().int().optional().describe('Impressions served at or after this time (ms since the epoch).'),
        to: z.coerce.number().int().optional().describe('Impressions served before this time (ms since the epoch).'),
      }),
      response: {
        200: ctrOut,
        400: errorOut,
      },
    },
    handler: async (req) => ({ by: req.query.by, rows: await deps.ctr(req.query) }),
  });
}
