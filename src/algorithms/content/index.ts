/**
 * Content-based recommendation: items as BM25 (Robertson & Zaragoza 2009, "The Probabilistic
 * Relevance Framework: BM25 and Beyond") or TF-IDF (Salton & Buckley 1988, "Term-weighting
 * approaches in automatic text retrieval") weighted vectors over their categories, tags and
 * words, cosine-normalised, optionally mixed with caller-supplied embeddings; a user is the
 * weighted sum of their history's vectors (the vector-space profile of Pazzani & Billsus 2007,
 * "Content-based recommendation systems").
 */
import { MagpieError } from '../../core/index.js';
import type { Algorithm } from '../types.js';
import { contentVectors, requireContent } from './features.js';
import { CONTENT, ContentModel } from './model.js';
import { contentParamsSchema, contentSearchSpace, type ContentParams } from './params.js';

export { ContentModel } from './model.js';
export { contentVectors, requireContent, type ContentVectors } from './features.js';
export {
  contentFeatureShape,
  contentFeatureSearchSpace,
  contentParamsSchema,
  type ContentFeatureParams,
  type ContentParams,
} from './params.js';

export const content: Algorithm<ContentParams> = {
  name: CONTENT,
  needsContent: true,
  summary: 'Content-based: BM25/TF-IDF vectors of categories, tags and text (+ embeddings), cosine to the user\'s history (Robertson & Zaragoza 2009).',
  paramsSchema: contentParamsSchema,
  searchSpace: contentSearchSpace,
  async train(data, params, ctx) {
    const vectors = contentVectors(requireContent(data, CONTENT), params);
    if (vectors.text.indices.length === 0 && !vectors.embeddings) {
      throw new MagpieError(
        'TRAINING_FAILED',
        `no item has a content feature shared with another item (minDocFrequency ${params.minDocFrequency}) or an embedding`,
      );
    }
    ctx.progress?.({ stage: 'vectors', done: 1, total: 1 });
    return new ContentModel(params, data.items, vectors);
  },
  deserialize: (bytes) => ContentModel.deserialize(bytes),
};
