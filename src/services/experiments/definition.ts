import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MagpieError } from '../../core/index.js';
import type { CanaryPolicy, Experiment } from '../../ports/index.js';

/** What a caller sends to create an experiment (docs/experiments.md). */

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _, starting with a letter or digit');

export const DEFAULT_CANARY: CanaryPolicy = { maxErrorRateDelta: 0.01, maxLatencyRatio: 1.5, minRequests: 200 };

const variantSchema = z.strictObject({
  name: slug.describe('Unique in the experiment; responses and impressions carry it.'),
  share: z.number().min(0).max(1).describe("Share of the experiment's users, in [0, 1]; the shares sum to 1."),
  mode: z.enum(['live', 'shadow', 'canary']).default('live').describe('live: served; shadow: computed and logged, the user sees the control; canary: served and stopped automatically when unhealthy.'),
  surface: z
    .record(z.string(), z.json())
    .optional()
    .describe('A partial surface configuration merged over the experiment surface, key by key as config surfaces are (arrays replace).'),
  model: z
    .strictObject({ role: z.string().min(1).max(64), version: z.number().int().min(1).max(2 ** 31 - 1) })
    .optional()
    .describe('A stored model version that serves this role for the variant (the others stay as served).'),
});

export const experimentDefinitionSchema = z
  .strictObject({
    id: slug.optional().describe('Default: generated.'),
    name: z.string().min(1).max(200),
    surface: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/).default('home').describe('The surface whose requests are split.'),
    salt: z.string().min(1).max(200).optional().describe('Hashed with each user id to bucket users; default: the id.'),
    variants: z.array(variantSchema).min(2).max(20),
    control: slug.describe('The variant the others are compared with; it must be live.'),
    canary: z
      .strictObject({
        maxErrorRateDelta: z.number().min(0).max(1).default(DEFAULT_CANARY.maxErrorRateDelta),
        maxLatencyRatio: z.number().min(1).default(DEFAULT_CANARY.maxLatencyRatio),
        minRequests: z.number().int().min(1).max(1e9).default(DEFAULT_CANARY.minRequests),
      })
      .optional()
      .describe('When a canary variant is stopped; defaults apply when a canary variant has none.'),
  })
  .superRefine((d, ctx) => {
    const names = d.variants.map((v) => v.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant "${twice}" is named twice` });
    const total = d.variants.reduce((s, v) => s + v.share, 0);
    if (Math.abs(total - 1) > 1e-9) ctx.addIssue({ code: 'custom', path: ['variants'], message: `shares sum to ${total}, not 1` });
    const control = d.variants.find((v) => v.name === d.control);
    if (!control) ctx.addIssue({ code: 'custom', path: ['control'], message: `"${d.control}" is not one of the variants` });
    else if (control.mode !== 'live') ctx.addIssue({ code: 'custom', path: ['control'], message: `the control must be live, not ${control.mode}` });
  })
  .describe('An A/B experiment on one surface.');

export type ExperimentDefinition = z.input<typeof experimentDefinitionSchema>;

/** A new draft from a definition (validated here; what needs the engine is checked at start). */
export function draftExperiment(input: unknown, now: number): Experiment {
  const parsed = experimentDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new MagpieError('VALIDATION_FAILED', `experiment: ${where}${issue?.message ?? 'invalid'}`, parsed.error.issues);
  }
  const d = parsed.data;
  const id = d.id ?? `exp-${randomBytes(5).toString('hex')}`;
  const hasCanary = d.variants.some((v) => v.mode === 'canary');
  return {
    id,
    name: d.name,
    surface: d.surface,
    salt: d.salt ?? id,
    status: 'draft',
    variants: d.variants.map((v) => ({
      name: v.name,
      share: v.share,
      mode: v.mode,
      ...(v.surface ? { surface: v.surface as Experiment['variants'][number]['surface'] } : {}),
      ...(v.model ? { model: v.model } : {}),
    })),
    control: d.control,
    ...(d.canary || hasCanary ? { canary: d.canary ?? { ...DEFAULT_CANARY } } : {}),
    createdAt: now,
    startedAt: null,
    stoppedAt: null,
    stopReason: null,
  };
}
