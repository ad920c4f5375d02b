import type { IdIndex } from '../../core/index.js';
import { FactorModel } from '../shared/factor-model.js';
import { KnownUsers } from '../shared/known-users.js';
import { decodeModel, encodeModel, extraNumber, sizedArray } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { bprParamsSchema, type BprParams } from './params.js';
import { foldInUser } from './sgd.js';

export const BPR = 'bpr';
const FORMAT = 1;

/** A trained BPR model: score(u, i) = w_u·h_i + b_i. */
export class BprModel extends FactorModel implements Model {
  readonly algorithm = BPR;

  constructor(
    readonly params: Readonly<BprParams>,
    items: IdIndex,
    /** The training seed; also seeds fold-in sampling. */
    readonly seed: number,
    userCount: number,
    userFactors: Float32Array,
    itemFactorMatrix: Float32Array,
    readonly itemBias: Float32Array,
  ) {
    super(items, params.factors, userCount, userFactors, itemFactorMatrix, itemBias);
  }

  /** An SGD fold-in of the query's history (see sgd.ts). */
  protected foldInQuery(query: UserQuery): Float64Array {
    return foldInUser(query.items, this.itemFactorMatrix, this.itemBias, this.factors, this.params, this.seed, this.userVector);
  }

  serialize(): Uint8Array {
    return encodeModel({
      algorithm: BPR,
      format: FORMAT,
      params: this.params,
      extra: { userCount: this.userCount, seed: this.seed },
      items: this.items,
      arrays: { userFactors: this.userFactors, itemFactors: this.itemFactorMatrix, itemBias: this.itemBias, ...this.knownUsers?.toArrays() },
    });
  }

  static deserialize(bytes: Uint8Array): BprModel {
    const m = decodeModel(bytes, BPR, FORMAT, bprParamsSchema);
    const k = m.params.factors;
    const userCount = extraNumber(m.extra, 'userCount');
    const model = new BprModel(
      m.params,
      m.items,
      extraNumber(m.extra, 'seed'),
      userCount,
      sizedArray(m.bundle, 'userFactors', Float32Array, userCount * k),
      sizedArray(m.bundle, 'itemFactors', Float32Array, m.items.size * k),
      sizedArray(m.bundle, 'itemBias', Float32Array, m.items.size),
    );
    model.knownUsers = KnownUsers.fromArrays(m.bundle.arrays);
    return model;
  }
}
