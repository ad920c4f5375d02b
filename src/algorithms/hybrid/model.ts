import type { IdIndex } from '../../core/index.js';
import type { ScoredList } from '../../math/index.js';
import { IalsModel } from '../ials/index.js';
import { decodeModel, encodeModel, sizedArray } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { hybridParamsSchema, ialsPart, type HybridParams } from './params.js';

export const HYBRID = 'hybrid';
const FORMAT = 1;

/**
 * A trained hybrid: an iALS model whose item factors for items without interactions come from
 * their content (and, with warmBlend > 0, partly for the others too). Scoring, fold-in of new
 * users, similar items and explanations are the factor model's; `mapped` says which items got
 * content-mapped factors.
 */
export class HybridModel implements Model {
  readonly algorithm = HYBRID;

  constructor(
    readonly params: Readonly<HybridParams>,
    readonly factors: IalsModel,
    /** 1 for items whose factors came (wholly or in part) from their content. */
    readonly mapped: Uint8Array,
  ) {}

  get items(): IdIndex {
    return this.factors.items;
  }

  userRow(user: string, query: UserQuery): number {
    return this.factors.userRow(user, query);
  }

  scoreUser(query: UserQuery, out: Float32Array): void {
    this.factors.scoreUser(query, out);
  }

  similarItems(item: number, k: number): ScoredList {
    return this.factors.similarItems(item, k);
  }

  explain(query: UserQuery, item: number): number {
    return this.factors.explain(query, item);
  }

  serialize(): Uint8Array {
    const f = this.factors.bundleParts();
    return encodeModel({
      algorithm: HYBRID,
      format: FORMAT,
      params: this.params,
      items: this.items,
      extra: f.extra,
      arrays: { ...f.arrays, mapped: this.mapped },
    });
  }

  static deserialize(bytes: Uint8Array): HybridModel {
    const m = decodeModel(bytes, HYBRID, FORMAT, hybridParamsSchema);
    const factors = IalsModel.fromBundle(ialsPart(m.params), m.items, m.extra, m.bundle);
    return new HybridModel(m.params, factors, sizedArray(m.bundle, 'mapped', Uint8Array, m.items.size));
  }
}
