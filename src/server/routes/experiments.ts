import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { experimentDefinitionSchema, type ExperimentReport } from '../../services/index.js';
import type { Experiment } from '../../ports/index.js';
import type { ServerDeps } from '../deps.js';
import { errorOut } from '../format.js';
import { typed } from './common.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const variantOut = z.object({
  name: z.string(),
  share: z.number(),
  mode: z.enum(['live', 'shadow', 'canary']),
  surface: z.record(z.string(), z.unknown()).optional(),
  model: z.object({ role: z.string(), version: z.number() }).optional(),
});

const experimentOut = z.object({
  id: z.string(),
  name: z.string(),
  surface: z.string(),
  salt: z.string(),
  status: z.enum(['draft', 'running', 'stopped']),
  variants: z.array(variantOut),
  control: z.string(),
  canary: z.object({ maxErrorRateDelta: z.number(), maxLatencyRatio: z.number(), minRequests: z.number() }).optional(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  stopReason: z.string().nullable(),
});

const interval = z.object({ low: z.number(), high: z.number() });
const testOut = z.object({ test: z.string(), difference: z.number(), z: z.number(), pValue: z.number(), significant: z.boolean() }).nullable();

const reportOut = z.object({
  experiment: z.string(),
  name: z.string(),
  surface: z.string(),
  status: z.enum(['draft', 'running', 'stopped']),
  control: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  generatedAt: z.string(),
  alpha: z.number(),
  test: z.string(),
  variants: z.array(
    z.object({
      name: z.string(),
      mode: z.enum(['live', 'shadow', 'canary']),
      share: z.number(),
      exposedUsers: z.number(),
      impressions: z.number(),
      clicks: z.number(),
      ctr: z.number(),
      ctrInterval: interval,
      conversions: z.number(),
      convertedUsers: z.number(),
      conversionRate: z.number(),
      conversionInterval: interval,
      clicksPerUser: z.number(),
      clicksPerUserInterval: interval,
      vsControl: testOut,
      conversionVsControl: testOut,
      engagementVsControl: testOut,
      health: z.object({ requests: z.number(), errors: z.number(), errorRate: z.number(), p95Ms: z.number().nullable() }),
      shadow: z
        .object({
          lists: z.number(),
          users: z.number(),
          meanOverlap: z.number(),
          positives: z.number(),
          positivesOnShadowItems: z.number(),
          positivesOnShownItems: z.number(),
        })
        .nullable(),
    }),
  ),
  notes: z.array(z.string()),
});

export function formatExperiment(e: Experiment): z.infer<typeof experimentOut> {
  return { ...e, createdAt: iso(e.createdAt)!, startedAt: iso(e.startedAt), stoppedAt: iso(e.stoppedAt) };
}

export function formatReport(r: ExperimentReport): z.infer<typeof reportOut> {
  return { ...r, from: iso(r.from), to: iso(r.to)!, generatedAt: iso(r.generatedAt)! };
}

export function experimentRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = typed(app);
  const tags = ['experiments'];
  const idParams = z.strictObject({ id: z.string().min(1).max(64) });
  const one = z.object({ experiment: experimentOut });

  r.get('/api/experiments', {
    schema: { tags, summary: 'Every experiment, newest first.', response: { 200: z.object({ experiments: z.array(experimentOut) }) } },
    handler: async () => ({ experiments: (await deps.experiments.list()).map(formatExperiment) }),
  });

  r.get('/api/experiments/:id', {
    schema: { tags, summary: 'One experiment.', params: idParams, response: { 200: one, 404: errorOut } },
    handler: async (req) => ({ experiment: formatExperiment(await deps.experiments.get(req.params.id)) }),
  });

  r.get('/api/experiments/:id/report', {
    schema: {
      tags,
      summary: 'Per variant: exposure, CTR and conversion with 95 % intervals, clicks per user, tests against the control.',
      description:
        'CTR is compared with the pooled two-proportion z-test (impressions as trials); conversion rate (per exposed user) with the ' +
        "same test on users, and clicks per exposed user with Welch's test. docs/experiments.md explains each number.",
      params: idParams,
      response: { 200: z.object({ report: reportOut }), 404: errorOut },
    },
    handler: async (req) => ({ report: formatReport(await deps.experiments.report(req.params.id)) }),
  });

  r.post('/api/admin/experiments', {
    schema: {
      tags,
      summary: 'Creates an experiment as a draft (checked: surface overrides compile, pinned models exist).',
      body: experimentDefinitionSchema,
      response: { 200: one, 400: errorOut, 409: errorOut },
    },
    handler: async (req) => ({ experiment: formatExperiment(await deps.experiments.create(req.body)) }),
  });

  r.post('/api/admin/experiments/:id/start', {
    schema: { tags, summary: 'Starts a draft: its users are bucketed from now on.', params: idParams, response: { 200: one, 400: errorOut, 404: errorOut, 409: errorOut } },
    handler: async (req) => ({ experiment: formatExperiment(await deps.experiments.start(req.params.id)) }),
  });

  r.post('/api/admin/experiments/:id/stop', {
    schema: {
      tags,
      summary: 'Stops an experiment: every user gets the surface as configured again.',
      params: idParams,
      body: z.strictObject({ reason: z.string().min(1).max(500).optional() }).nullish(),
      response: { 200: one, 404: errorOut },
    },
    handler: async (req) => ({ experiment: formatExperiment(await deps.experiments.stop(req.params.id, req.body?.reason)) }),
  });
}
