import type { IdIndex } from '../../core/index.js';
import type { DecodedBundle, TypedArray } from '../../data/index.js';
import { axpy, choleskyFactor, choleskySolve, gram, scal, type Csr } from '../../math/index.js';
import { FactorModel } from '../shared/factor-model.js';
import { decodeModel, encodeModel, extraNumber, sizedArray } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { buildSystem } from './half-step.js';
import { confidenceOf, ialsParamsSchema, rowRegularization, type IalsParams } from './params.js';

export const IALS = 'ials';
const FORMAT = 1;

/**
 * A trained iALS model: user and item factors, row-major. A query for a stored user (user ≥ 0)
 * scores with the stored vector; any other query is folded in with exactly one ALS user
 * half-step against the fixed item factors (Hu et al. 2008, eq. 4), solved by Cholesky.
 */
export class IalsModel extends FactorModel implements Model {
  readonly algorithm = IALS;
  /** α0·YᵀY, the query-independent part of every fold-in system; computed once at load. */
  private readonly foldInGram: Float64Array;
  private readonly system: Float64Array;

  constructor(
    readonly params: Readonly<IalsParams>,
    items: IdIndex,
    userCount: number,
    userFactors: Float32Array,
    itemFactorMatrix: Float32Array,
    /** Per-item weights of the unobserved term, or null when uniform. */
    readonly unobservedItemWeights: Float32Array | null,
  ) {
    super(items, params.factors, userCount, userFactors, itemFactorMatrix, null);
    const k = params.factors;
    this.foldInGram = gram(itemFactorMatrix, items.size, k, new Float64Array(k * k), unobservedItemWeights ?? undefined);
    scal(params.unobservedWeight, this.foldInGram, 0, k * k);
    this.system = new Float64Array(k * k);
  }

  protected foldInQuery(query: UserQuery): Float64Array {
    return this.foldIn(query.items, query.weights);
  }

  /** One exact user half-step against the fixed item factors. */
  foldIn(items: Int32Array, weights: Float32Array): Float64Array {
    const k = this.params.factors;
    const n = this.items.size;
    const valid: number[] = [];
    for (let q = 0; q < items.length; q++) if (items[q]! >= 0 && items[q]! < n) valid.push(q);
    const row: Csr = {
      rows: 1,
      cols: n,
      indptr: Int32Array.of(0, valid.length),
      indices: Int32Array.from(valid, (q) => items[q]!),
      values: Float32Array.from(valid, (q) => confidenceOf(weights[q]!, this.params)),
    };
    const lambda = rowRegularization(valid.length, n, this.params);
    const x = this.userVector;
    x.fill(0);
    for (let e = 0; e < valid.length; e++) axpy(row.values[e]!, this.itemFactorMatrix, row.indices[e]! * k, x, 0, k);
    buildSystem(this.system, this.foldInGram, 1, row, 0, valid.length, this.itemFactorMatrix, k, lambda);
    choleskyFactor(this.system, k);
    choleskySolve(this.system, k, x);
    return x;
  }

  serialize(): Uint8Array {
    return encodeModel({ algorithm: IALS, format: FORMAT, params: this.params, items: this.items, ...this.bundleParts() });
  }

  /** What serialize() stores besides params and items (the hybrid stores an iALS model inside its own bundle). */
  bundleParts(): { extra: Record<string, unknown>; arrays: Record<string, TypedArray> } {
    return {
      extra: { userCount: this.userCount },
      arrays: {
        userFactors: this.userFactors,
        itemFactors: this.itemFactorMatrix,
        ...(this.unobservedItemWeights ? { unobservedItemWeights: this.unobservedItemWeights } : {}),
      },
    };
  }

  /** The model whose bundleParts() a decoded bundle holds, its lengths checked. */
  static fromBundle(params: IalsParams, items: IdIndex, extra: Record<string, unknown>, bundle: DecodedBundle): IalsModel {
    const k = params.factors;
    const userCount = extraNumber(extra, 'userCount');
    return new IalsModel(
      params,
      items,
      userCount,
      sizedArray(bundle, 'userFactors', Float32Array, userCount * k),
      sizedArray(bundle, 'itemFactors', Float32Array, items.size * k),
      bundle.arrays['unobservedItemWeights'] ? sizedArray(bundle, 'unobservedItemWeights', Float32Array, items.size) : null,
    );
  }

  static deserialize(bytes: Uint8Array): IalsModel {
    const m = decodeModel(bytes, IALS, FORMAT, ialsParamsSchema);
    return IalsModel.fromBundle(m.params, m.items, m.extra, m.bundle);
  }
}
