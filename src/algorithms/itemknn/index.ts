/**
 * Item-based k-nearest-neighbour collaborative filtering (Sarwar, Karypis, Konstan & Riedl 2001,
 * "Item-based collaborative filtering recommendation algorithms"; Deshpande & Karypis 2004 for
 * the top-N form with a fixed neighbourhood per item), with cosine (+ shrinkage, as in Koren
 * 2008) or BM25-weighted co-occurrence as similarity.
 */
import type { Algorithm } from '../types.js';
import { ITEMKNN, ItemKnnModel } from './model.js';
import { itemKnnParamsSchema, itemKnnSearchSpace, type ItemKnnParams } from './params.js';
import { buildNeighbours } from './similarity.js';

export { ItemKnnModel } from './model.js';
export { itemKnnParamsSchema, type ItemKnnParams } from './params.js';
export { bm25Weights, buildNeighbours, type NeighbourLists } from './similarity.js';

export const itemKnn: Algorithm<ItemKnnParams> = {
  name: ITEMKNN,
  summary: 'Item-based kNN with cosine or BM25 similarity (Sarwar et al. 2001; Deshpande & Karypis 2004).',
  paramsSchema: itemKnnParamsSchema,
  searchSpace: itemKnnSearchSpace,
  async train(data, params, ctx) {
    const total = data.items.size;
    const neighbours = buildNeighbours(data.interactions, params, (done) => {
      ctx.progress?.({ stage: 'neighbours', done, total });
      ctx.signal?.throwIfAborted();
    });
    ctx.progress?.({ stage: 'neighbours', done: total, total });
    return new ItemKnnModel(params, data.items, neighbours);
  },
  deserialize: (bytes) => ItemKnnModel.deserialize(bytes),
};
