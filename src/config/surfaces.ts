import { z } from 'zod';
import { deepMerge } from './merge.js';
import { surfaceRulesSchema } from './surface-rules.js';

/**
 * Surfaces: named serving pipelines (candidate sources → ranking → post-processing). The
 * defaults (home, item, rerank, email) are merged with what the configuration gives: a surface
 * of a default's name is merged into it key by key (objects merged, arrays such as `sources` and
 * `rules` replaced), so `{ home: { cacheSeconds: 0 } }` changes only that; null removes a surface.
 * docs/serving.md describes each source, the ranker and the rules.
 */

const limit = z.number().int().min(1).max(5000);

const sourceSpec = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('collaborative'),
      name: z.string().min(1).default('collaborative').describe('Source tag in results.'),
      role: z.string().min(1).default('main').describe("The personalised model's role (a factor model is searched by its vectors)."),
      limit: limit.default(200),
    }),
    z.strictObject({
      type: z.literal('neighbours'),
      name: z.string().min(1).default('item-knn'),
      role: z.string().min(1).default('similar').describe('The role whose similar items are read (similar, content…).'),
      recent: z.number().int().min(1).max(100).default(10).describe("How many of the user's newest positive items seed it."),
      perItem: z.number().int().min(1).max(1000).default(50).describe('Neighbours read per seed item.'),
      limit: limit.default(200),
    }),
    z.strictObject({
      type: z.literal('ranked'),
      name: z.string().min(1).default('popular'),
      role: z.string().min(1).default('popular').describe('A non-personalised model (popular, trending).'),
      segment: z.boolean().default(false).describe("Only items in the user's onboarding categories (cold start)."),
      limit: limit.default(100),
    }),
    z.strictObject({
      type: z.literal('fresh'),
      name: z.string().min(1).default('fresh'),
      maxAgeDays: z.number().positive().default(14).describe('Only items created at most this long ago.'),
      scan: z.number().int().min(1).max(100_000).default(2000).describe('Newest items considered.'),
      limit: limit.default(50),
    }),
  ])
  .describe('One candidate source; `type` selects which.');

export const rankerSchema = z
  .strictObject({
    type: z
      .enum(['default', 'learned'])
      .default('default')
      .describe('default: weighted fusion of the sources; learned: the ranker trained from impressions (the default until one exists).'),
    method: z
      .enum(['rrf', 'zscore'])
      .default('rrf')
      .describe('Default fusion: rrf = Σ weight / (60 + rank in the source); zscore = Σ weight · standardised source score.'),
    rrfK: z.number().nonnegative().default(60).describe('rrf: the k of 1 / (k + rank); larger flattens the top ranks.'),
    weights: z
      .record(z.string(), z.number().min(0))
      .default({})
      .describe('Weight of each source (by name) in the default fusion; unnamed sources weigh 1.'),
  })
  .describe('How candidates are ordered before post-processing.');

export const surfaceSchema = z
  .strictObject({
    anchor: z
      .enum(['user', 'item', 'list'])
      .default('user')
      .describe("user: a user's feed; item: an item page (sources seed from the item); list: re-rank the caller's items."),
    sources: z.array(sourceSpec).max(20).default([]).describe('Candidate sources, in priority order (the first to propose an item gives its reason).'),
    ranker: rankerSchema.prefault({}),
    postprocess: surfaceRulesSchema.prefault({}),
    cacheSeconds: z.number().min(0).default(30).describe('How long a response may be served from the per-user cache (0: never); new feedback of the user invalidates it.'),
  })
  .describe('One surface: a named serving pipeline.');

export type SourceSpec = z.infer<typeof sourceSpec>;
export type SurfaceConfig = z.infer<typeof surfaceSchema>;
export type RankerConfig = z.infer<typeof rankerSchema>;

const PERSONAL_SOURCES = [
  { type: 'collaborative' },
  { type: 'neighbours' },
  { type: 'ranked', name: 'trending', role: 'trending', limit: 50 },
  { type: 'fresh' },
  { type: 'ranked', name: 'segment-popular', role: 'popular', segment: true, limit: 50 },
  { type: 'ranked', name: 'popular', role: 'popular', limit: 50 },
] as const;

/** The built-in surfaces; each parses with the schema's defaults filled in. */
export const DEFAULT_SURFACES: Record<string, z.input<typeof surfaceSchema>> = {
  home: {
    sources: [...PERSONAL_SOURCES],
    ranker: { weights: { collaborative: 1, 'item-knn': 0.3, trending: 0.1, fresh: 0.1, 'segment-popular': 0.1, popular: 0.05 } },
    postprocess: { exploration: { slots: [5], every: 10, source: 'fresh' } },
  },
  item: {
    anchor: 'item',
    sources: [{ type: 'neighbours', recent: 1, perItem: 200 }, { type: 'ranked', name: 'popular', role: 'popular', limit: 50 }],
    ranker: { weights: { 'item-knn': 1, popular: 0.05 } },
  },
  rerank: {
    anchor: 'list',
    sources: [{ type: 'collaborative' }, { type: 'neighbours' }, { type: 'ranked', name: 'popular', role: 'popular', limit: 5000 }],
    ranker: { weights: { collaborative: 1, 'item-knn': 0.3, popular: 0.05 } },
    cacheSeconds: 0,
  },
  email: {
    sources: [...PERSONAL_SOURCES],
    ranker: { weights: { collaborative: 1, 'item-knn': 0.3, trending: 0.2, fresh: 0.2, 'segment-popular': 0.1, popular: 0.05 } },
    postprocess: { diversity: { lambda: 0.8 } },
    cacheSeconds: 0,
  },
};

export const surfacesSchema = z
  // Each surface is taken as given and parsed only after the merge: parsing first would fill in
  // the schema's defaults (sources: [] …), which would then replace the built-in surface's.
  .record(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/), z.record(z.string(), z.unknown()).nullable())
  .default({})
  .transform((given, ctx) => {
    const merged: Record<string, SurfaceConfig> = {};
    for (const [name, given_] of Object.entries({ ...DEFAULT_SURFACES, ...given })) {
      if (given_ === null) continue;
      const input = Object.hasOwn(DEFAULT_SURFACES, name) ? deepMerge(DEFAULT_SURFACES[name], given_) : given_;
      const parsed = surfaceSchema.safeParse(input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
        continue;
      }
      merged[name] = parsed.data;
    }
    return merged;
  })
  .describe('Serving pipelines by name, merged key by key over the defaults (home, item, rerank, email); null removes one.');
