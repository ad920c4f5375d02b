import { z } from 'zod';

const componentSchema = z.strictObject({
  algorithm: z.string().min(1).describe('A registered algorithm other than blend.'),
  params: z.record(z.string(), z.unknown()).default({}).describe("That algorithm's parameters (its defaults fill the rest)."),
  weight: z.number().positive().default(1).describe("The component's weight in the sum of standardised scores."),
});

export const blendParamsSchema = z.strictObject({
  components: z
    .array(componentSchema)
    .min(1)
    .max(8)
    .default([
      { algorithm: 'ials', params: {}, weight: 1 },
      { algorithm: 'itemknn', params: {}, weight: 0.3 },
    ])
    .describe('The models blended; each is trained on the same data with the same seed. Default weights from a Gowalla tune-split probe (docs/algorithms.md).'),
});

export type BlendParams = z.infer<typeof blendParamsSchema>;
export type BlendComponent = BlendParams['components'][number];
