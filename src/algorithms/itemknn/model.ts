import type { IdIndex } from '../../core/index.js';
import type { ScoredList } from '../../math/index.js';
import { explainByRows, rowArrays, rowsFromBundle, scoreByRows } from '../shared/item-rows.js';
import { decodeModel, encodeModel } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { itemKnnParamsSchema, type ItemKnnParams } from './params.js';
import type { NeighbourLists } from './similarity.js';

export const ITEMKNN = 'itemknn';
const FORMAT = 1;

/** score(i) = Σ_h weight(h) · sim(h, i) over the query's history h, via each h's neighbour list. */
export class ItemKnnModel implements Model {
  readonly algorithm = ITEMKNN;

  constructor(
    readonly params: Readonly<ItemKnnParams>,
    readonly items: IdIndex,
    readonly neighbours: NeighbourLists,
  ) {}

  scoreUser(query: UserQuery, out: Float32Array): void {
    scoreByRows(this.neighbours, this.items.size, query, out);
  }


  similarItems(item: number, k: number): ScoredList {
    if (item < 0 || item >= this.items.size) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const start = this.neighbours.indptr[item]!;
    const end = Math.min(this.neighbours.indptr[item + 1]!, start + Math.max(0, k));
    return { indices: this.neighbours.indices.slice(start, end), scores: this.neighbours.values.slice(start, end) };
  }

  /** The history entry with the largest term weight(h) · sim(h, item) in the item's score. */
  explain(query: UserQuery, item: number): number {
    return explainByRows(this.neighbours, this.items.size, query, item);
  }


  serialize(): Uint8Array {
    return encodeModel({
      algorithm: ITEMKNN,
      format: FORMAT,
      params: this.params,
      extra: {},
      items: this.items,
      arrays: rowArrays(this.neighbours),
    });
  }

  static deserialize(bytes: Uint8Array): ItemKnnModel {
    const m = decodeModel(bytes, ITEMKNN, FORMAT, itemKnnParamsSchema);
    return new ItemKnnModel(m.params, m.items, rowsFromBundle(m.bundle, m.items.size));
  }
}
