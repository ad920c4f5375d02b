import { z } from 'zod';
import type { SearchSpace } from '../types.js';

export const itemKnnParamsSchema = z.strictObject({
  similarity: z
    .enum(['cosine', 'bm25'])
    .default('bm25')
    .describe(
      'cosine: co-occurrence over the product of the two items\' norms (plus shrink). ' +
        'bm25: co-occurrence of BM25-weighted interactions (items as documents, users as terms), ' +
        'which discounts heavy users and popular items.',
    ),
  neighbors: z.int().min(1).default(200).describe('Neighbours kept per item (the k of kNN).'),
  shrink: z
    .number()
    .nonnegative()
    .default(50)
    .describe('Cosine only: added to the denominator, pulling similarities backed by few co-occurrences towards 0.'),
  bm25K1: z
    .number()
    .nonnegative()
    .default(100)
    .describe('BM25 only: saturation of interaction strength (large = linear in strength).'),
  bm25B: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('BM25 only: how strongly an item\'s weights are normalised by its popularity (0 = not at all).'),
});

export type ItemKnnParams = z.infer<typeof itemKnnParamsSchema>;

/**
 * Both similarities with their own knobs (a trial draws all of them; the ones its similarity
 * does not use have no effect). Neighbourhoods from 20 to 1,000 items cover the usual range for
 * catalogues of tens of thousands of items.
 */
export const itemKnnSearchSpace: SearchSpace<ItemKnnParams> = {
  similarity: { kind: 'choice', values: ['cosine', 'bm25'] },
  neighbors: { kind: 'int', min: 20, max: 1000, log: true },
  shrink: { kind: 'float', min: 0, max: 200 },
  bm25K1: { kind: 'float', min: 1, max: 1000, log: true },
  bm25B: { kind: 'float', min: 0, max: 1 },
};
