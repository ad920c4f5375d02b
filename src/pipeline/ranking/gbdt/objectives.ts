/**
 * Training objectives: each turns current scores into per-row first and second derivatives of
 * the loss (the Newton boosting of Friedman 2001 / Chen & Guestrin 2016), gives the starting
 * score, and the validation metric early stopping watches.
 */
import { LambdaMart } from './lambdamart.js';
import type { LabelledRows, Metric, Objective, ObjectiveName, RankingOptions } from './types.js';

export type { LabelledRows, Metric, Objective, ObjectiveName, RankingOptions } from './types.js';

export function makeObjective(name: ObjectiveName, data: LabelledRows, options: RankingOptions): Objective {
  if (name === 'binary') return new BinaryLogistic(data.labels, data.weights);
  return new LambdaMart(data.labels, requireGroups(data), options);
}

export function makeMetric(name: ObjectiveName, data: LabelledRows, options: RankingOptions): Metric {
  if (name === 'binary') {
    return { name: 'logloss', higherIsBetter: false, value: (s) => logLoss(s, data.labels, data.weights) };
  }
  const ranking = new LambdaMart(data.labels, requireGroups(data), options);
  return { name: `ndcg@${options.ndcgAt}`, higherIsBetter: true, value: (s) => ranking.meanNdcg(s) };
}

function requireGroups(data: LabelledRows): Int32Array {
  if (!data.groups) throw new RangeError('the lambdamart objective needs query groups');
  return data.groups;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Logistic loss for labels in [0, 1] (click = 1), scores in log-odds. */
export class BinaryLogistic implements Objective {
  readonly name = 'binary' as const;

  constructor(
    private readonly labels: ArrayLike<number>,
    private readonly weights: ArrayLike<number> | undefined,
  ) {}

  /** The log-odds of the (weighted) base rate, so the first tree starts from calibration. */
  initScore(): number {
    let pos = 0;
    let all = 0;
    for (let i = 0; i < this.labels.length; i++) {
      const w = this.weights ? this.weights[i]! : 1;
      pos += w * this.labels[i]!;
      all += w;
    }
    const p = Math.min(1 - 1e-6, Math.max(1e-6, all > 0 ? pos / all : 0.5));
    return Math.log(p / (1 - p));
  }

  gradients(scores: Float64Array, grad: Float64Array, hess: Float64Array): void {
    for (let i = 0; i < scores.length; i++) {
      const p = sigmoid(scores[i]!);
      const w = this.weights ? this.weights[i]! : 1;
      grad[i] = w * (p - this.labels[i]!);
      hess[i] = w * Math.max(p * (1 - p), 1e-12);
    }
  }
}

/** Mean (weighted) logistic loss. */
export function logLoss(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let sum = 0;
  let all = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(scores[i]!)));
    const y = labels[i]!;
    const w = weights ? weights[i]! : 1;
    sum -= w * (y * Math.log(p) + (1 - y) * Math.log(1 - p));
    all += w;
  }
  return all > 0 ? sum / all : 0;
}
