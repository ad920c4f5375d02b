import type { IdIndex } from '../../core/index.js';
import type { ScoredList } from '../../math/index.js';
import { decodeModel, encodeModel, sizedArray } from '../shared/model-bundle.js';
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
    out.fill(0);
    const { indptr, indices, values } = this.neighbours;
    const n = this.items.size;
    for (let q = 0; q < query.items.length; q++) {
      const h = query.items[q]!;
      if (h < 0 || h >= n) continue;
      const w = query.weights[q]!;
      for (let k = indptr[h]!; k < indptr[h + 1]!; k++) out[indices[k]!] = out[indices[k]!]! + w * values[k]!;
    }
  }

  similarItems(item: number, k: number): ScoredList {
    if (item < 0 || item >= this.items.size) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const start = this.neighbours.indptr[item]!;
    const end = Math.min(this.neighbours.indptr[item + 1]!, start + Math.max(0, k));
    return { indices: this.neighbours.indices.slice(start, end), scores: this.neighbours.values.slice(start, end) };
  }

  /** The history entry with the largest term weight(h) · sim(h, item) in the item's score. */
  explain(query: UserQuery, item: number): number {
    const { indptr, indices, values } = this.neighbours;
    let best = -1;
    let bestContribution = 0;
    for (let q = 0; q < query.items.length; q++) {
      const h = query.items[q]!;
      if (h < 0 || h >= this.items.size) continue;
      for (let k = indptr[h]!; k < indptr[h + 1]!; k++) {
        if (indices[k] !== item) continue;
        const c = query.weights[q]! * values[k]!;
        if (c > bestContribution) {
          bestContribution = c;
          best = q;
        }
        break;
      }
    }
    return best;
  }

  serialize(): Uint8Array {
    return encodeModel({
      algorithm: ITEMKNN,
      format: FORMAT,
      params: this.params,
      extra: {},
      items: this.items,
      arrays: { indptr: this.neighbours.indptr, indices: this.neighbours.indices, values: this.neighbours.values },
    });
  }

  static deserialize(bytes: Uint8Array): ItemKnnModel {
    const m = decodeModel(bytes, ITEMKNN, FORMAT, itemKnnParamsSchema);
    const indptr = sizedArray(m.bundle, 'indptr', Int32Array, m.items.size + 1);
    const total = indptr[m.items.size]!;
    const indices = sizedArray(m.bundle, 'indices', Int32Array, total);
    const values = sizedArray(m.bundle, 'values', Float32Array, total);
    return new ItemKnnModel(m.params, m.items, { indptr, indices, values });
  }
}
