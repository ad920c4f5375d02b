/**
 * Implicit-feedback ALS: Hu, Koren & Volinsky 2008, "Collaborative Filtering for Implicit
 * Feedback Datasets", with the loss, unobserved weight α0 and frequency-scaled regularisation
 * of Rendle, Krichene, Zhang & Koren 2021, "Revisiting the Performance of iALS on Item
 * Recommendation Benchmarks", and per-row conjugate-gradient solves warm-started from the
 * previous epoch as in Takács, Pilászy & Tikk 2011, "Applications of the conjugate gradient
 * method for implicit feedback collaborative filtering".
 */
import { Rng } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import { gram, scal, transpose, type Csr } from '../../math/index.js';
import { KnownUsers } from '../shared/known-users.js';
import { epochBoundary } from '../shared/training-loop.js';
import type { Algorithm, TrainContext } from '../types.js';
import { solveHalfStep } from './half-step.js';
import { WasmIalsEpochs } from './wasm-epochs.js';
import { IALS, IalsModel } from './model.js';
import { confidenceOf, ialsParamsSchema, ialsSearchSpace, rowRegularization, type IalsParams } from './params.js';

export { IalsModel } from './model.js';
export { ialsParamsSchema, type IalsParams } from './params.js';

export async function trainIals(data: TrainingData, params: IalsParams, ctx: TrainContext): Promise<IalsModel> {
  const k = params.factors;
  const nUsers = data.interactions.rows;
  const nItems = data.interactions.cols;
  const byUser: Csr = {
    ...data.interactions,
    values: Float32Array.from(data.interactions.values, (r) => confidenceOf(r, params)),
  };
  const byItem = transpose(byUser);

  const rng = new Rng(ctx.seed);
  const std = params.initStd / Math.sqrt(k);
  const userFactors = new Float32Array(nUsers * k);
  const itemFactors = new Float32Array(nItems * k);
  for (let t = 0; t < itemFactors.length; t++) itemFactors[t] = rng.normal() * std;
  for (let t = 0; t < userFactors.length; t++) userFactors[t] = rng.normal() * std;

  // eALS-style popularity weights of the unobserved term (He et al. 2016), mean 1.
  const itemWeights = unobservedItemWeights(byItem, params.unobservedPopularityExponent);
  const userLambdas = rowLambdas(byUser, nItems, null, params);
  const itemLambdas = rowLambdas(byItem, nUsers, itemWeights, params);
  // The CG solver runs on the WASM SIMD kernels when they are available (the same equations;
  // results agree with the reference to rounding, see ials.test.ts); Cholesky stays in TS.
  const wasm =
    params.solver === 'cg' && params.epochs > 0
      ? await WasmIalsEpochs.create(byUser, byItem, userFactors, itemFactors, k, userLambdas, itemLambdas, itemWeights, params.cgSteps)
      : null;
  const weightedGram = new Float64Array(k * k);
  const half = { k, weightedGram, solver: params.solver, cgSteps: params.cgSteps };
  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      if (wasm) {
        wasm.epoch(params.unobservedWeight);
      } else {
        weightedGramOf(itemFactors, nItems, k, params.unobservedWeight, itemWeights, weightedGram);
        solveHalfStep({ ...half, rows: byUser, fixed: itemFactors, target: userFactors, lambdas: userLambdas, gramScales: null });
        weightedGramOf(userFactors, nUsers, k, params.unobservedWeight, null, weightedGram);
        solveHalfStep({ ...half, rows: byItem, fixed: userFactors, target: itemFactors, lambdas: itemLambdas, gramScales: itemWeights });
      }
      await epochBoundary(ctx, 'epoch', epoch + 1, params.epochs);
    }
    wasm?.read(userFactors, itemFactors);
  } finally {
    await wasm?.close();
  }
  const model = new IalsModel(params, data.items, nUsers, userFactors, itemFactors, itemWeights ? Float32Array.from(itemWeights) : null);
  model.knownUsers = KnownUsers.fromRows(data.users, data.interactions);
  return model;
}

/** α0·YᵀDY (D = diag(rowWeights), identity when null). */
export function weightedGramOf(
  y: Float32Array,
  n: number,
  k: number,
  alpha0: number,
  rowWeights: Float64Array | null,
  out: Float64Array,
): Float64Array {
  gram(y, n, k, out, rowWeights ?? undefined);
  scal(alpha0, out, 0, k * k);
  return out;
}

/** d_i ∝ (1 + |U_i|)^β with mean 1, or null when β = 0 (uniform, Rendle et al. 2021). */
export function unobservedItemWeights(byItem: Csr, beta: number): Float64Array | null {
  if (beta === 0) return null;
  const n = byItem.rows;
  const w = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i] = Math.pow(1 + byItem.indptr[i + 1]! - byItem.indptr[i]!, beta);
  for (let i = 0; i < n; i++) w[i] = (w[i]! * n) / sum;
  return w;
}

/** λ_r per row; a row's unobserved mass is α0·(its weight)·others (weight 1 for users). */
function rowLambdas(rows: Csr, others: number, weights: Float64Array | null, params: IalsParams): Float64Array {
  const out = new Float64Array(rows.rows);
  for (let r = 0; r < rows.rows; r++) {
    const observed = rows.indptr[r + 1]! - rows.indptr[r]!;
    out[r] = rowRegularization(observed, (weights ? weights[r]! : 1) * others, params);
  }
  return out;
}

export const ials: Algorithm<IalsParams> = {
  name: IALS,
  summary: 'Implicit ALS with CG solves and frequency-scaled regularisation (Hu et al. 2008; Rendle et al. 2021).',
  paramsSchema: ialsParamsSchema,
  searchSpace: ialsSearchSpace,
  train: trainIals,
  deserialize: (bytes) => IalsModel.deserialize(bytes),
};
