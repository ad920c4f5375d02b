import { z } from 'zod';

/**
 * The post-processing part of a surface's configuration: business rules (boost, bury, pin,
 * require, exclude), freshness, diversity and exploration. The pipeline
 * (src/pipeline/postprocess) compiles the expressions once when a surface is built; their syntax
 * is documented in docs/serving.md ("Post-processing and the rule syntax"). Expressions are only
 * length-checked here because the expression parser lives in the pipeline layer, which config
 * may not import; a syntax error surfaces as CONFIG_INVALID when the surface is built.
 */

/** Longest attribute expression accepted, in characters (config and `?filter=` alike). */
export const MAX_EXPRESSION_LENGTH = 1000;
/** Deepest nesting of parentheses / `not` / `and` / `or` an expression may have. */
export const MAX_EXPRESSION_DEPTH = 32;
/** Highest position a pin or an exploration slot may name (1-based). */
export const MAX_RULE_POSITION = 1000;

const expression = z
  .string()
  .min(1)
  .max(MAX_EXPRESSION_LENGTH)
  .describe('An attribute expression, e.g. `tags contains "staff-pick" and price < 20` (see the rule syntax).');

const reason = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("Replaces the reason shown for the items this rule moves; omitted keeps the candidate source's reason.");

const scoreChange = {
  when: expression.describe('Which items the rule applies to.'),
  mode: z
    .enum(['multiply', 'add'])
    .default('multiply')
    .describe(
      'multiply: score × factor (a negative score is divided instead, so a boost always raises); add: score + factor for a boost, score − factor for a bury.',
    ),
  reason,
};

const boostRule = z
  .strictObject({
    type: z.literal('boost').describe('Raise the score of matching items.'),
    ...scoreChange,
    factor: z
      .number()
      .finite()
      .min(0)
      .describe('multiply mode: the multiplier, at least 1 (1.5 = +50 %); add mode: the amount added.'),
  })
  .refine((r) => r.mode === 'add' || r.factor >= 1, {
    message: 'a multiplying boost needs factor ≥ 1 (use a bury to lower scores)',
    path: ['factor'],
  })
  .describe('Raise matching items: `{ "type": "boost", "when": "tags contains \\"staff-pick\\"", "factor": 1.5 }`.');

const buryRule = z
  .strictObject({
    type: z.literal('bury').describe('Lower the score of matching items.'),
    ...scoreChange,
    factor: z
      .number()
      .finite()
      .min(0)
      .describe('multiply mode: the multiplier, between 0 and 1 (0.5 = half the score); add mode: the amount subtracted.'),
  })
  .refine((r) => r.mode === 'add' || r.factor <= 1, {
    message: 'a multiplying bury needs factor ≤ 1 (use a boost to raise scores)',
    path: ['factor'],
  })
  .describe('Lower matching items: `{ "type": "bury", "when": "kind = \\"short\\"", "factor": 0.5 }`.');

const pinRule = z
  .strictObject({
    type: z.literal('pin').describe('Put one item at a fixed position.'),
    item: z.string().min(1).max(1024).describe('The id of the pinned item.'),
    position: z
      .number()
      .int()
      .min(1)
      .max(MAX_RULE_POSITION)
      .describe('1-based position in the whole list (not the page). The item is shown only if it passes every filter.'),
    reason,
  })
  .describe('Pin an item: `{ "type": "pin", "item": "sku-42", "position": 1, "reason": "featured" }`.');

const requireRule = z
  .strictObject({
    type: z.literal('require').describe('Keep only matching items.'),
    when: expression.describe('Items that do not match are removed.'),
  })
  .describe('Keep only matching items: `{ "type": "require", "when": "kind != \\"trailer\\"" }`.');

const excludeRule = z
  .strictObject({
    type: z.literal('exclude').describe('Remove matching items.'),
    when: expression.describe('Items that match are removed.'),
  })
  .describe('Remove matching items: `{ "type": "exclude", "when": "age_days > 3650" }`.');

export const surfaceRuleSchema = z
  .discriminatedUnion('type', [boostRule, buryRule, pinRule, requireRule, excludeRule])
  .describe('One business rule; `type` selects which.');

export const freshnessSchema = z
  .strictObject({
    weight: z
      .number()
      .finite()
      .min(0)
      .default(0)
      .describe('Boost of a brand-new item: score × (1 + weight) at age 0, halving every half-life; 0 turns freshness off.'),
    halfLifeDays: z.number().positive().finite().default(7).describe('Age in days at which the boost is half of `weight`.'),
    mode: z
      .enum(['multiply', 'add'])
      .default('multiply')
      .describe('multiply: score × (1 + weight·2^(−age/halfLife)); add: score + weight·2^(−age/halfLife).'),
  })
  .describe('A boost for new items, decaying with age (created_at).');

export const categoryCapSchema = z
  .strictObject({
    max: z.number().int().min(1).describe('At most this many items of one category…'),
    window: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('…in any run of this many consecutive positions; 0 means in the whole list.'),
  })
  .describe('A per-category cap. It reorders and never removes: when every remaining item would break it, the best one is placed anyway.');

export const diversitySchema = z
  .strictObject({
    lambda: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('MMR trade-off: 1 = relevance only (diversity off), 0 = dissimilarity only; 0.7 is a common choice.'),
    categoryCap: categoryCapSchema.optional().describe('Per-category cap; omitted = no cap.'),
  })
  .describe('Diversity of the ranked list: maximal marginal relevance and per-category caps.');

export const explorationSchema = z
  .strictObject({
    slots: z
      .array(z.number().int().min(1).max(MAX_RULE_POSITION))
      .min(1)
      .max(100)
      .describe('1-based positions reserved for exploration items (within each block of `every` when set).'),
    every: z
      .number()
      .int()
      .min(0)
      .max(MAX_RULE_POSITION)
      .default(0)
      .describe('Repeat the slots in every block of this many positions (slots [3], every 10 → 3, 13, 23…); 0 = no repeat.'),
    source: z
      .string()
      .min(1)
      .optional()
      .describe('Only candidates proposed by this source (e.g. "fresh") are explored.'),
    when: expression.optional().describe('Only candidates matching this expression are explored (e.g. `age_days < 14`).'),
    reason,
  })
  .refine((e) => e.every === 0 || e.slots.every((s) => s <= e.every), {
    message: 'every slot must be at most `every` (slots are positions inside each block)',
    path: ['slots'],
  })
  .describe('Exploration: reserved slots filled with items drawn, seeded per request, from an exploration pool.');

export const surfaceRulesSchema = z
  .strictObject({
    rules: z.array(surfaceRuleSchema).max(1000).default([]).describe('Business rules, applied in the order given.'),
    freshness: freshnessSchema.prefault({}).describe('A boost for new items (off by default).'),
    diversity: diversitySchema.prefault({}).describe('MMR and per-category caps (off by default).'),
    exploration: explorationSchema.optional().describe('Exploration slots; omitted = none.'),
  })
  .describe("A surface's post-processing: rules, freshness, diversity and exploration.");

export type SurfaceRule = z.infer<typeof surfaceRuleSchema>;
export type SurfaceRules = z.infer<typeof surfaceRulesSchema>;
export type SurfaceRulesInput = z.input<typeof surfaceRulesSchema>;
export type FreshnessConfig = z.infer<typeof freshnessSchema>;
export type DiversityConfig = z.infer<typeof diversitySchema>;
export type CategoryCapConfig = z.infer<typeof categoryCapSchema>;
export type ExplorationConfig = z.infer<typeof explorationSchema>;
