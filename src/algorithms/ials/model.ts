import type { IdIndex } from '../../core/index.js';
import type { DecodedBundle, TypedArray } from '../../data/index.js';
import { axpy, CgScratch, choleskyFactor, choleskySolve, conjugateGradient, gram, scal, type Csr } from '../../math/index.js';
import { FactorModel } from '../shared/factor-model.js';
import { KnownUsers } from '../shared/known-users.js';
import { decodeModel, encodeModel, extraNumber, sizedArray } from '../shared/model-bundle.js';
import type { Model, UserQuery } from '../types.js';
import { buildSystem } from './half-step.js';
import { confidenceOf, ialsParamsSchema, rowRegularization, type IalsParams } from './params.js';

export const IALS = 'ials';
const FORMAT = 1;
/** CG steps and relative residual of a fold-in (measured against the exact solve: see the test). */
const FOLD_IN_CG_STEPS = 10;
const FOLD_IN_CG_TOLERANCE = 1e-3;

/**
 * A trained iALS model: user and item factors, row-major. A query for a stored user (user ≥ 0)
 * scores with the stored vector; any other query is folded in with one ALS user half-step
 * against the fixed item factors (Hu et al. 2008, eq. 4), solved by conjugate gradient.
 */
export class IalsModel extends FactorModel implements Model {
  readonly algorithm = IALS;
  /** α0·YᵀY, the query-independent part of every fold-in system; computed once at load. */
  private readonly foldInGram: Float64Array;
  private readonly system: Float64Array;
  private readonly rhs: Float64Array;
  private readonly cg: CgScratch;

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
    this.rhs = new Float64Array(k);
    this.cg = new CgScratch(k);
  }

  protected foldInQuery(query: UserQuery): Float64Array {
    return this.foldIn(query.items, query.weights);
  }

  /**
   * One user half-step against the fixed item factors: A x = b with A = α0·YᵀY + Σ c_e y_e y_eᵀ
   * + λI and b = Σ c_e y_e over the history. Solved by conjugate gradient on the implicit A
   * (k² + 2k·|history| per step, as training's half-steps do) rather than by forming A and
   * factoring it (k³/6 + k²·|history|): at 128 factors and a long history that is the difference
   * between ~0.2 ms and several ms per request. `exact` forms and factors A (Cholesky), the
   * reference the CG solution is tested against.
   */
  foldIn(items: Int32Array, weights: Float32Array, exact = false): Float64Array {
    const k = this.params.factors;
    const n = this.items.size;
    const valid: number[] = [];
    for (let q = 0; q < items.length; q++) if (items[q]! >= 0 && items[q]! < n) valid.push(q);
    const indices = Int32Array.from(valid, (q) => items[q]!);
    const values = Float32Array.from(valid, (q) => confidenceOf(weights[q]!, this.params));
    const lambda = rowRegularization(valid.length, n, this.params);
    const y = this.itemFactorMatrix;
    const b = this.rhs;
    b.fill(0);
    for (let e = 0; e < indices.length; e++) axpy(values[e]!, y, indices[e]! * k, b, 0, k);
    const x = this.userVector;
    if (exact) {
      const row: Csr = { rows: 1, cols: n, indptr: Int32Array.of(0, indices.length), indices, values };
      x.set(b);
      buildSystem(this.system, this.foldInGram, 1, row, 0, indices.length, y, k, lambda);
      choleskyFactor(this.system, k);
      choleskySolve(this.system, k, x);
      return x;
    }
    const g = this.foldInGram;
    const matvec = (v: Float64Array, out: Float64Array): void => {
      for (let r = 0; r < k; r++) {
        let s = lambda * v[r]!;
        const base = r * k;
        for (let t = 0; t < k; t++) s += g[base + t]! * v[t]!;
        out[r] = s;
      }
      for (let e = 0; e < indices.length; e++) {
        const off = indices[e]! * k;
        let d = 0;
        for (let t = 0; t < k; t++) d += y[off + t]! * v[t]!;
        d *= values[e]!;
        for (let t = 0; t < k; t++) out[t] = out[t]! + d * y[off + t]!;
      }
    };
    x.fill(0);
    conjugateGradient(matvec, b, x, FOLD_IN_CG_STEPS, FOLD_IN_CG_TOLERANCE, this.cg);
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
        ...this.knownUsers?.toArrays(),
      },
    };
  }

  /** The model whose bundleParts() a decoded bundle holds, its lengths checked. */
  static fromBundle(params: IalsParams, items: IdIndex, extra: Record<string, unknown>, bundle: DecodedBundle): IalsModel {
    const k = params.factors;
    const userCount = extraNumber(extra, 'userCount');
    const model = new IalsModel(
      params,
      items,
      userCount,
      sizedArray(bundle, 'userFactors', Float32Array, userCount * k),
      sizedArray(bundle, 'itemFactors', Float32Array, items.size * k),
      bundle.arrays['unobservedItemWeights'] ? sizedArray(bundle, 'unobservedItemWeights', Float32Array, items.size) : null,
    );
    model.knownUsers = KnownUsers.fromArrays(bundle.arrays);
    return model;
  }

  static deserialize(bytes: Uint8Array): IalsModel {
    const m = decodeModel(bytes, IALS, FORMAT, ialsParamsSchema);
    return IalsModel.fromBundle(m.params, m.items, m.extra, m.bundle);
  }
}
