/** The contracts between the boosting loop and its objectives. */
export type ObjectiveName = 'binary' | 'lambdamart';

export interface Objective {
  readonly name: ObjectiveName;
  /** The constant score every row starts from. */
  initScore(): number;
  /** Fills grad and hess (one per row) at the current scores. */
  gradients(scores: Float64Array, grad: Float64Array, hess: Float64Array): void;
}

export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  value(scores: Float64Array): number;
}

export interface LabelledRows {
  labels: ArrayLike<number>;
  /** Query groups as offsets: group q holds rows groups[q]..groups[q + 1] − 1. */
  groups?: Int32Array | undefined;
  /** Per-row weights (binary objective only), e.g. inverse propensities; default 1. */
  weights?: ArrayLike<number> | undefined;
}

export interface RankingOptions {
  ndcgAt: number;
  lambdaTruncation: number;
  sigma: number;
  normalizeLambdas: boolean;
}
