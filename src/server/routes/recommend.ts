import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { errorOut, recommendationOut } from '../format.js';
import { listQuery, typed } from './common.js';

export function recommendRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const s = deps.schemas;
  const r = typed(app);
  const tags = ['recommendations'];
  const query = listQuery(s, deps.config);

  r.get('/api/recommend/:user', {
    schema: {
      tags,
      summary: "A user's personalised list.",
      description:
        'Ranked by the main model from the live history (a new event counts at once), filled with trending and ' +
        'popular items; a user without history gets trending/popular. Seen, disliked and hidden items never appear.',
      params: z.strictObject({ user: s.id }),
      querystring: query,
      response: { 200: recommendationOut, 400: errorOut },
    },
    handler: async (req) => {
      deps.metrics.recommendations.inc({ kind: 'recommend' });
      return deps.recommend.recommend(req.params.user, req.query);
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
}
