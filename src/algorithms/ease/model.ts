import type { IdIndex } from '../../core/index.js';
import type { ScoredList } from '../../math/index.js';
import { explainByRows, rowArrays, rowsFromBundle, scoreByRows } from '../shared/item-rows.js';
import { decodeModel, encodeModel } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { easeParamsSchema, type EaseParams } from './params.js';
import type { ItemWeights } from './prune.js';

export const EASE = 'ease';
const FORMAT = 1;

/**
 * score(j) = Σ_h weight(h) · B_hj over the query's history h (Steck 2019: s_u = x_u · B), read
 * through each h's pruned row of B. Items outside the trained selection score 0.
 */
export class EaseModel implements Model {
  readonly algorithm = EASE;

  constructor(
    readonly params: Readonly<EaseParams>,
    readonly items: IdIndex,
    readonly weights: ItemWeights,
  ) {}

  scoreUser(query: UserQuery, out: Float32Array): void {
    scoreByRows(this.weights, this.items.size, query, out);
  }


  /** The items with the largest positive weights B_ij in item i's row, best first. */
  similarItems(item: number, k: number): ScoredList {
    if (item < 0 || item >= this.items.size) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const { indptr, values } = this.weights;
    const start = indptr[item]!;
    let end = start;
    const limit = Math.min(indptr[item + 1]!, start + Math.max(0, k));
    while (end < limit && values[end]! > 0) end++;
    return { indices: this.weights.indices.slice(start, end), scores: values.slice(start, end) };
  }

  /** The history entry with the largest positive term weight(h) · B_h,item of the item's score. */
  explain(query: UserQuery, item: number): number {
    return explainByRows(this.weights, this.items.size, query, item);
  }


  serialize(): Uint8Array {
    return encodeModel({
      algorithm: EASE,
      format: FORMAT,
      params: this.params,
      extra: {},
      items: this.items,
      arrays: rowArrays(this.weights),
    });
  }

  static deserialize(bytes: Uint8Array): EaseModel {
    const m = decodeModel(bytes, EASE, FORMAT, easeParamsSchema);
    return new EaseModel(m.params, m.items, rowsFromBundle(m.bundle, m.items.size));
  }
}
