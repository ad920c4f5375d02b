import { z } from 'zod';

export const popularityParamsSchema = z.strictObject({
  halfLifeDays: z
    .number()
    .nonnegative()
    .nullable()
    .default(30)
    .describe(
      'Half-life of an interaction, in days: an interaction last seen this long before the snapshot counts half. ' +
        'null or 0 disables decay (all-time popularity); short values (1–7) give "trending".',
    ),
  binary: z
    .boolean()
    .default(false)
    .describe('Count each user–item pair once (weight 1) instead of by its interaction strength.'),
});

export type PopularityParams = z.infer<typeof popularityParamsSchema>;
