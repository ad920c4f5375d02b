/**
 * Bayesian Personalized Ranking with matrix factorisation and item biases, trained by SGD with
 * bootstrap sampling and uniform negatives: Rendle, Freudenthaler, Gantner & Schmidt-Thieme
 * 2009, "BPR: Bayesian Personalized Ranking from Implicit Feedback" (UAI).
 */
import { Rng } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import { KnownUsers } from '../shared/known-users.js';
import { epochBoundary } from '../shared/training-loop.js';
import type { Algorithm, TrainContext } from '../types.js';
import { BPR, BprModel } from './model.js';
import { bprParamsSchema, bprSearchSpace, type BprParams } from './params.js';
import { bprEpoch, initState, learningRateAt } from './sgd.js';

export { BprModel } from './model.js';
export { bprParamsSchema, type BprParams } from './params.js';

export async function trainBpr(data: TrainingData, params: BprParams, ctx: TrainContext): Promise<BprModel> {
  const x = data.interactions;
  const k = params.factors;
  const rng = new Rng(ctx.seed);
  const state = initState(x.rows, x.cols, k, params.initStd, rng);
  const rowOf = new Int32Array(x.indices.length);
  for (let u = 0; u < x.rows; u++) rowOf.fill(u, x.indptr[u]!, x.indptr[u + 1]!);
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    bprEpoch(x, rowOf, state, params, learningRateAt(params, epoch, params.epochs), rng);
    await epochBoundary(ctx, 'epoch', epoch + 1, params.epochs);
  }
  const model = new BprModel(
    params,
    data.items,
    ctx.seed >>> 0,
    x.rows,
    Float32Array.from(state.user),
    Float32Array.from(state.item),
    Float32Array.from(state.bias),
  );
  model.knownUsers = KnownUsers.fromRows(data.users, x);
  return model;
}

export const bpr: Algorithm<BprParams> = {
  name: BPR,
  summary: 'Matrix factorisation trained with Bayesian Personalized Ranking by SGD (Rendle et al. 2009).',
  paramsSchema: bprParamsSchema,
  searchSpace: bprSearchSpace,
  train: trainBpr,
  deserialize: (bytes) => BprModel.deserialize(bytes),
};
