import type { z } from 'zod';
import type { IdIndex } from '../core/index.js';
import type { TrainingData } from '../data/index.js';
import type { ScoredList } from '../math/index.js';

/**
 * What a model is asked to score: a user's positive history expressed in the model's own item
 * indices. `user` is the user's row in the training data, or -1 when the model should not use a
 * stored user representation (an unknown user, or one whose history changed since training):
 * models then fold the history in (e.g. one ALS half-step) instead.
 */
export interface UserQuery {
  user: number;
  items: Int32Array;
  weights: Float32Array;
}

export interface TrainProgress {
  stage: string;
  done: number;
  total: number;
}

export interface TrainContext {
  /** Seeds every random choice of the run; the same seed gives the same model. */
  seed: number;
  progress?: ((p: TrainProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface Model {
  readonly algorithm: string;
  /** The validated parameters it was trained with (defaults filled in). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The items this model can score; score position i is item items.idAt(i). */
  readonly items: IdIndex;
  /**
   * The user's row in the training data when `query` (their current history) is exactly the row
   * the model was trained on, so `{ ...query, user: row }` may use a stored representation;
   * −1 otherwise. Absent on models that keep no per-user state.
   */
  userRow?(user: string, query: UserQuery): number;
  /** Fills out (length items.size) with a score per item; higher is better. */
  scoreUser(query: UserQuery, out: Float32Array): void;
  /** The k items most similar to item i (never i itself), best first. */
  similarItems?(item: number, k: number): ScoredList;
  /**
   * Which history entry (an index into query.items) best explains recommending `item`,
   * or -1 if none does.
   */
  explain?(query: UserQuery, item: number): number;
  /** A self-contained binary form; algorithm.deserialize(serialize()) scores identically. */
  serialize(): Uint8Array;
}

/**
 * The range `magpie tune` draws one parameter from. `int` and `float` are uniform over
 * [min, max], or uniform in log space when `log` is set (for scale parameters such as a
 * regularisation weight; min must then be > 0); `int` may keep to multiples of `step`.
 * `choice` picks one of `values` with equal probability.
 */
export type SearchDimension<V = unknown> =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly log?: boolean; readonly step?: number }
  | { readonly kind: 'float'; readonly min: number; readonly max: number; readonly log?: boolean }
  | { readonly kind: 'choice'; readonly values: readonly V[] };

/** Which parameters a hyper-parameter search varies, and over what; the others keep defaults. */
export type SearchSpace<P extends Record<string, unknown> = Record<string, unknown>> = {
  readonly [K in keyof P & string]?: SearchDimension<P[K]>;
};

export interface Algorithm<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  /** One line for --help and docs, citing the paper followed. */
  readonly summary: string;
  /** Validates params and fills defaults; `.parse({})` gives the defaults. */
  readonly paramsSchema: z.ZodType<P>;
  /** Trains only on data that carries item content (TrainingData.content); others skip it. */
  readonly needsContent?: boolean;
  /** What `magpie tune` searches by default: ranges that suit implicit feedback at Gowalla scale. */
  readonly searchSpace?: SearchSpace<P>;
  train(data: TrainingData, params: P, ctx: TrainContext): Promise<Model>;
  deserialize(bytes: Uint8Array): Model;
}
