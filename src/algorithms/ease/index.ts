/**
 * EASE, the "Embarrassingly Shallow Autoencoder" (Steck 2019, "Embarrassingly Shallow
 * Autoencoders for Sparse Data", WWW '19): an item-item weight matrix B with zero diagonal
 * minimising ‖X − XB‖² + λ‖B‖², in closed form B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹.
 *
 * The n×n inverse is computed densely (a block sweep, sweep.ts, on a BlockedMatrix of row
 * panels, because at Gowalla's 41k items the matrix is beyond one ArrayBuffer) over the
 * `maxItems` most interacted items (it costs n³ flops; the rank-b updates run on a WASM SIMD
 * kernel across threads), and B is served pruned to the `keep` largest weights per row
 * (prune.ts).
 *
 * In f32: against an f64 solve of the same 2,000-item Gowalla problem, B differs by 2.5e-6
 * (relative Frobenius norm), the pruned rows are identical and Recall@20 is equal to five
 * digits (bench/ease-precision.mts), while f32 halves the memory (3.4 GB instead of 6.7 GB at
 * 41k items) and doubles the SIMD width.
 */
import type { TrainingData } from '../../data/index.js';
import { kernelThreadCount } from '../../math/index.js';
import { epochBoundary } from '../shared/training-loop.js';
import type { Algorithm, TrainContext } from '../types.js';
import { blockUpdateFor } from './block-update.js';
import type { Precision } from './blocked-matrix.js';
import { buildGram, selectItems } from './gram.js';
import { EASE, EaseModel } from './model.js';
import { easeParamsSchema, easeSearchSpace, type EaseParams } from './params.js';
import { pruneWeights, type PruneBy } from './prune.js';
import { sweepInvert } from './sweep.js';

export { EaseModel } from './model.js';
export { easeParamsSchema, type EaseParams } from './params.js';

/** How the solve runs; results agree across these to rounding (tests check it). */
export interface EaseSolveOptions {
  /** Tile side of the blocked matrix (a multiple of 8 for the WASM kernel). */
  block?: number;
  precision?: Precision;
  /** 'ts' forces the plain-TypeScript reference kernels. */
  kernels?: 'auto' | 'ts';
  /** Threads of the WASM update (default: MAGPIE_THREADS, else the cores, at most 8). */
  threads?: number;
  pruneBy?: PruneBy;
}

/** 128: large enough that copying panels into WASM memory costs a few per cent, small enough for cache. */
export const DEFAULT_BLOCK = 128;

export async function trainEase(data: TrainingData, params: EaseParams, ctx: TrainContext, options: EaseSolveOptions = {}): Promise<EaseModel> {
  const x = data.interactions;
  ctx.progress?.({ stage: 'gram', done: 0, total: 1 });
  const selection = selectItems(x, params.maxItems);
  const threads = options.threads ?? kernelThreadCount();
  const matrix = buildGram(x, selection, params.lambda, options.block ?? DEFAULT_BLOCK, options.precision ?? 'f32', threads > 1);
  await epochBoundary(ctx, 'gram', 1, 1);
  const update = await blockUpdateFor(matrix, options.kernels ?? 'auto', threads);
  try {
    await sweepInvert(matrix, { update, onPivot: (done, total) => epochBoundary(ctx, 'inverse', done, total) });
  } finally {
    await update.close();
  }
  const weights = await pruneWeights(matrix, selection, data.items.size, params.keep, options.pruneBy ?? 'magnitude', (done, total) =>
    epochBoundary(ctx, 'prune', done, total),
  );
  return new EaseModel(params, data.items, weights);
}

export const ease: Algorithm<EaseParams> = {
  name: EASE,
  summary: 'EASE: closed-form item-item autoencoder over the most interacted items, pruned per item (Steck 2019).',
  paramsSchema: easeParamsSchema,
  searchSpace: easeSearchSpace,
  train: (data, params, ctx) => trainEase(data, params, ctx),
  deserialize: (bytes) => EaseModel.deserialize(bytes),
};
