import { z } from 'zod';
import type { SearchSpace } from '../types.js';

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

/**
 * All-time versus time-decayed counts. On data without timestamps (LightGCN files) only
 * `binary` can matter, and with 0/1 data not even that: the search is then a check, not a tune.
 */
export const popularitySearchSpace: SearchSpace<PopularityParams> = {
  halfLifeDays: { kind: 'choice', values: [null, 1, 3, 7, 14, 30, 90, 365] },
  binary: { kind: 'choice', values: [false, true] },
};
