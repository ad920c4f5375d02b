import type { IdIndex } from '../../core/index.js';
import { decodeModel, encodeModel, sizedArray } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { popularityParamsSchema, type PopularityParams } from './params.js';

export const POPULARITY = 'popularity';
const FORMAT = 1;

/** A fixed score per item; the same list for everyone. */
export class PopularityModel implements Model {
  readonly algorithm = POPULARITY;

  constructor(
    readonly params: Readonly<PopularityParams>,
    readonly items: IdIndex,
    /** One score per item (decayed interaction mass). */
    readonly scores: Float32Array,
  ) {}

  /** Non-personalised: the query is ignored. */
  scoreUser(_query: UserQuery, out: Float32Array): void {
    out.set(this.scores);
  }

  serialize(): Uint8Array {
    return encodeModel({
      algorithm: POPULARITY,
      format: FORMAT,
      params: this.params,
      extra: {},
      items: this.items,
      arrays: { scores: this.scores },
    });
  }

  static deserialize(bytes: Uint8Array): PopularityModel {
    const m = decodeModel(bytes, POPULARITY, FORMAT, popularityParamsSchema);
    return new PopularityModel(m.params, m.items, sizedArray(m.bundle, 'scores', Float32Array, m.items.size));
  }
}
