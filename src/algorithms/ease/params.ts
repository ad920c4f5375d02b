import { z } from 'zod';
import type { SearchSpace } from '../types.js';

export const easeParamsSchema = z.strictObject({
  lambda: z
    .number()
    .positive()
    .default(200)
    .describe(
      'λ: L2 penalty on the item-item weights, added to the diagonal of XᵀX (Steck 2019). A large λ shrinks B towards ' +
        'co-occurrence counts / λ, which favour popular items; 200 was best of 50–1000 on Gowalla.',
    ),
  maxItems: z
    .int()
    .min(1)
    .max(50_000)
    .default(10_000)
    .describe(
      'Items the dense model covers: the most interacted ones; the others score 0 and are never recommended by EASE. ' +
        'Training costs ~maxItems³ flops (about 30 s of one core at 10,000 items, 40 min at 41,000, spread over the cores) ' +
        'and maxItems²·2 bytes of memory (0.2 GB at 10,000, 3.4 GB at 41,000).',
    ),
  keep: z
    .int()
    .min(1)
    .default(500)
    .describe(
      'Weights kept per item row of B, the largest by absolute value: a pruning, because the dense B does not fit a model ' +
        'store at catalogue scale (on Gowalla, 300 and more kept Recall@20 within 0.0005 of the unpruned B).',
    ),
});

export type EaseParams = z.infer<typeof easeParamsSchema>;

/**
 * λ is the one quality knob of EASE; maxItems and keep trade quality for time and size, so a
 * search keeps them at their defaults.
 */
export const easeSearchSpace: SearchSpace<EaseParams> = {
  lambda: { kind: 'float', min: 10, max: 5000, log: true },
};
