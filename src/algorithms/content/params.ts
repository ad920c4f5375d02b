import { z } from 'zod';
import type { SearchSpace } from '../types.js';

/**
 * How item content becomes weighted, unit-length item vectors: the parameters the content model
 * and the hybrid share (see features.ts).
 */
export const contentFeatureShape = {
  weighting: z
    .enum(['bm25', 'tfidf'])
    .default('bm25')
    .describe(
      'bm25: Okapi BM25 term weights, saturating in the count and normalised by item length (Robertson & Zaragoza 2009). ' +
        'tfidf: (1 + ln tf)·ln(N/df), the "ltc" scheme of Salton & Buckley 1988.',
    ),
  bm25K1: z.number().nonnegative().default(1.2).describe('BM25 only: saturation of a repeated feature (0 = presence only).'),
  bm25B: z
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .describe('BM25 only: how strongly weights are normalised by an item\'s feature count (0 = not at all).'),
  minDocFrequency: z
    .int()
    .min(1)
    .default(2)
    .describe('Features held by fewer items are dropped: a feature of one item links it to nothing.'),
  categoryWeight: z.number().nonnegative().default(1).describe('Multiplier of category features (cat:…) before normalisation.'),
  tagWeight: z.number().nonnegative().default(1).describe('Multiplier of tag features (tag:…) before normalisation.'),
  textWeight: z.number().nonnegative().default(1).describe('Multiplier of title and text words (w:…) before normalisation.'),
  embeddingWeight: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      'Share of caller-supplied embeddings in an item\'s vector where it has one: cosine = (1 − w)·text cosine + w·embedding cosine. ' +
        'Ignored when no item has an embedding.',
    ),
};

export const contentParamsSchema = z.strictObject({
  ...contentFeatureShape,
  maxFeatures: z
    .int()
    .min(0)
    .default(0)
    .describe('Keep only this many features, the ones held by most items (0 = no cap).'),
});

export type ContentParams = z.infer<typeof contentParamsSchema>;
/** The parameters features.ts reads (the content model's, or the hybrid's). */
export type ContentFeatureParams = Pick<ContentParams, keyof typeof contentFeatureShape | 'maxFeatures'>;

export const contentFeatureSearchSpace: SearchSpace<ContentFeatureParams> = {
  weighting: { kind: 'choice', values: ['bm25', 'tfidf'] },
  bm25K1: { kind: 'float', min: 0, max: 3 },
  bm25B: { kind: 'float', min: 0, max: 1 },
  minDocFrequency: { kind: 'int', min: 1, max: 5 },
  categoryWeight: { kind: 'float', min: 0.1, max: 4, log: true },
  tagWeight: { kind: 'float', min: 0.1, max: 4, log: true },
  textWeight: { kind: 'float', min: 0.1, max: 4, log: true },
  embeddingWeight: { kind: 'float', min: 0, max: 1 },
};

export const contentSearchSpace: SearchSpace<ContentParams> = contentFeatureSearchSpace;
