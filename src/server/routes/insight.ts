import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MagpieError } from '../../core/index.js';
import type { ServerDeps } from '../deps.js';
import { principalOf } from '../auth.js';
import { errorOut } from '../format.js';
import { routeLatencies } from '../serving-stats.js';
import { idParams, surfaceQuery, typed } from './common.js';

/** Routes the dashboard reads: event rates, serving latency, inspection, audience, evaluation. */

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MAX_BUCKETS = 1_500;
const iso = (ms: number): string => new Date(ms).toISOString();

export const eventCountsOut = z.object({
  bucket: z.enum(['minute', 'hour', 'day']),
  from: z.string(),
  to: z.string(),
  buckets: z.array(z.object({ start: z.string(), events: z.number() })),
});

export const servingStatsOut = z.object({
  routes: z.array(
    z.object({ method: z.string(), route: z.string(), requests: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), mean: z.number() }),
  ),
  cache: z.object({ hits: z.number(), misses: z.number(), entries: z.number(), hitRate: z.number().nullable() }),
});

const scored = z.object({ id: z.string(), score: z.number(), reason: z.string() });
export const inspectionOut = z.object({
  user: z.string(),
  surface: z.string(),
  ranker: z.object({ type: z.enum(['default', 'learned']), version: z.number() }),
  history: z.object({ positives: z.number(), negatives: z.number(), seen: z.number(), lastEventAt: z.string().nullable() }),
  sources: z.array(z.object({ source: z.string(), limit: z.number(), candidates: z.array(scored) })),
  ranked: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      score: z.number(),
      sourceScores: z.record(z.string(), z.number()),
      features: z.record(z.string(), z.number().nullable()),
    }),
  ),
  rankedTotal: z.number(),
  items: z.array(scored.extend({ source: z.string() })),
  titles: z.record(z.string(), z.string()),
  surfaces: z.array(z.string()),
});

export const meOut = z.object({
  auth: z.boolean().describe('Whether the server has API keys (false: the API is open and every caller may do everything).'),
  name: z.string().nullable().describe("The key's name, null without keys."),
  role: z.enum(['read', 'write', 'admin']),
});

export const audienceOut = z.object({
  item: z.string(),
  from: z.string(),
  to: z.string(),
  scanned: z.number(),
  truncated: z.boolean(),
  users: z.array(
    z.object({
      user: z.string(),
      impressions: z.number(),
      clicks: z.number(),
      bestPosition: z.number(),
      lastShownAt: z.string(),
      surfaces: z.array(z.string()),
    }),
  ),
});

export const evaluationOut = z.object({
  protocol: z.string(),
  k: z.array(z.number()),
  testFraction: z.number(),
  data: z.object({
    events: z.number(),
    truncated: z.boolean(),
    cutoff: z.string(),
    trainUsers: z.number(),
    items: z.number(),
    testUsers: z.number(),
  }),
  results: z.array(
    z.object({
      name: z.string(),
      algorithm: z.string(),
      params: z.record(z.string(), z.unknown()),
      trainSeconds: z.number(),
      evalSeconds: z.number(),
      metrics: z.record(z.string(), z.number()),
    }),
  ),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  seconds: z.number(),
});

export const evaluationBody = z.strictObject({
  algorithms: z.array(z.string().min(1).max(64)).min(1).max(16).optional().describe('Algorithms with default parameters (default: every configured model role).'),
  testFraction: z.number().gt(0).max(0.5).default(0.2).describe('The newest share of events held out.'),
  k: z.array(z.number().int().min(1).max(100)).min(1).max(5).default([10, 20]),
  maxEvents: z.number().int().min(100).max(2_000_000).default(200_000).describe('Only the newest this many events are used.'),
});

export function insightRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = typed(app);
  const s = deps.schemas;

  r.get('/api/auth', {
    schema: {
      tags: ['system'],
      summary: 'Whether this server needs an API key (public: a login page asks before sending one).',
      response: { 200: z.object({ required: z.boolean() }) },
    },
    handler: async () => ({ required: deps.config.server.auth.keys.length > 0 }),
  });

  r.get('/api/me', {
    schema: { tags: ['system'], summary: "The caller's key name and role (what a UI may offer).", response: { 200: meOut } },
    handler: async (req) => {
      const who = principalOf(req);
      return who ? { auth: true, name: who.name, role: who.role } : { auth: false, name: null, role: 'admin' as const };
    },
  });

  r.get('/api/stats/events', {
    schema: {
      tags: ['measurement'],
      summary: 'Stored feedback events per minute, hour or day of event time.',
      description: `At most ${MAX_BUCKETS} buckets; empty buckets are included with 0. Default window: the last 60 buckets.`,
      querystring: z.strictObject({
        bucket: z.enum(['minute', 'hour', 'day']).default('minute'),
        from: z.coerce.number().int().min(0).optional().describe('Events at or after this time (ms since the epoch).'),
        to: z.coerce.number().int().min(0).optional().describe('Events before this time (ms since the epoch; default now).'),
      }),
      response: { 200: eventCountsOut, 400: errorOut },
    },
    handler: async (req) => {
      const size = BUCKET_MS[req.query.bucket];
      const to = Math.ceil((req.query.to ?? Date.now()) / size) * size;
      const from = Math.floor((req.query.from ?? to - 60 * size) / size) * size;
      if (from >= to) throw new MagpieError('VALIDATION_FAILED', 'from must be before to', { from, to });
      if ((to - from) / size > MAX_BUCKETS) {
        throw new MagpieError('VALIDATION_FAILED', `at most ${MAX_BUCKETS} buckets: widen the bucket or narrow the window`, { buckets: (to - from) / size });
      }
      const counts = new Map((await deps.eventCounts({ from, to, bucketMs: size })).map((b) => [b.start, b.events]));
      const buckets = [];
      for (let t = from; t < to; t += size) buckets.push({ start: iso(t), events: counts.get(t) ?? 0 });
      return { bucket: req.query.bucket, from: iso(from), to: iso(to), buckets };
    },
  });

  r.get('/api/stats/serving', {
    schema: {
      tags: ['measurement'],
      summary: "This process's latency percentiles per route (ms) and its results-cache hit rate, since it started.",
      response: { 200: servingStatsOut },
    },
    handler: async () => {
      const { hits, misses, size } = deps.recommend.cache;
      const lookups = hits + misses;
      return {
        routes: routeLatencies((await deps.metrics.requestSeconds.get()).values),
        cache: { hits, misses, entries: size, hitRate: lookups === 0 ? null : hits / lookups },
      };
    },
  });

  r.get('/api/admin/inspect/:user', {
    schema: {
      tags: ['recommendations'],
      summary: "Why a user gets their list: every source's candidates, the ranked candidates with features, the final list.",
      description: 'Runs the surface like GET /api/recommend/:user (same query) without caching or logging an impression.',
      params: z.strictObject({ user: s.id }),
      querystring: surfaceQuery(s, deps.config).extend({
        rankedLimit: z.coerce.number().int().min(1).max(1000).default(50).describe('How many ranked candidates to return.'),
      }),
      response: { 200: inspectionOut, 400: errorOut, 404: errorOut },
    },
    handler: async (req) => {
      const { user } = req.params;
      const out = await deps.inspect.inspect(user, req.query);
      return { ...out, history: { ...out.history, lastEventAt: out.history.lastEventAt === null ? null : iso(out.history.lastEventAt) } };
    },
  });

  r.get('/api/items/:id/audience', {
    schema: {
      tags: ['measurement'],
      summary: 'The users an item was recently recommended to, from the impression log, most recent first.',
      description: 'Scans the impressions of the window (there is no index by item); maxScan bounds the cost and `truncated` says when it was reached.',
      params: idParams(s),
      querystring: z.strictObject({
        hours: z.coerce.number().int().min(1).max(24 * 30).default(24).describe('The window: this many hours back from now.'),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
        maxScan: z.coerce.number().int().min(1).max(5_000_000).default(500_000).describe('Shown-item rows read at most.'),
      }),
      response: { 200: audienceOut, 400: errorOut, 404: errorOut },
    },
    handler: async (req) => {
      await deps.records.getItem(req.params.id); // 404 ITEM_NOT_FOUND for an unknown item
      const to = Date.now();
      const a = await deps.audience(req.params.id, { from: to - req.query.hours * 3_600_000, to, limit: req.query.limit, maxScan: req.query.maxScan });
      return { ...a, from: iso(a.from), to: iso(a.to), users: a.users.map((u) => ({ ...u, lastShownAt: iso(u.lastShownAt) })) };
    },
  });

  r.post('/api/admin/eval', {
    schema: {
      tags: ['models'],
      summary: 'Offline evaluation on the stored data: a time split, each model trained on the past and ranked against the future.',
      description:
        'Runs in the server process, one at a time (409 EVALUATION_IN_PROGRESS otherwise), on the newest maxEvents events. ' +
        'Nothing is saved and the models in service do not change.',
      body: evaluationBody,
      response: { 200: evaluationOut, 400: errorOut, 409: errorOut },
    },
    handler: async (req) => {
      const report = await deps.evaluate(req.body);
      return { ...report, data: { ...report.data, cutoff: iso(report.data.cutoff) } };
    },
  });
}
