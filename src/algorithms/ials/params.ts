import { z } from 'zod';
import type { SearchSpace } from '../types.js';

export const ialsParamsSchema = z.strictObject({
  factors: z.int().min(1).max(1024).default(128).describe('Latent dimensions of user and item vectors.'),
  epochs: z.int().min(0).default(8).describe('Alternating passes (each solves all users, then all items).'),
  regularization: z
    .number()
    .nonnegative()
    .default(0.003)
    .describe('λ: L2 penalty on a vector, scaled per row by (observations + α0·others)^ν.'),
  unobservedWeight: z
    .number()
    .nonnegative()
    .default(0.01)
    .describe('α0: weight of the all-pairs term that pulls every user–item score towards 0 (Rendle et al. 2021).'),
  regularizationExponent: z
    .number()
    .min(0)
    .max(2)
    .default(1)
    .describe('ν: 0 = plain λ; 1 = λ grows with a row\'s observed + α0-weighted unobserved mass (Rendle et al. 2021).'),
  unobservedPopularityExponent: z
    .number()
    .min(0)
    .max(2)
    .default(0)
    .describe('β: weight the unobserved term of item i by (1 + its users)^β, normalised to mean 1 (He et al. 2016, eALS); 0 = uniform.'),
  alpha: z
    .number()
    .positive()
    .default(1)
    .describe('Confidence of an observed pair per unit of interaction strength (Hu et al.\'s α).'),
  confidence: z
    .enum(['linear', 'log'])
    .default('linear')
    .describe('Confidence of an observed pair: alpha·r (linear) or alpha·log2(1 + r) (log, for unbounded strengths such as dwell time). Both equal alpha at r = 1.'),
  solver: z
    .enum(['cg', 'cholesky'])
    .default('cg')
    .describe('cg: a few warm-started conjugate-gradient steps per row (Takács et al. 2011); cholesky: exact solve per row.'),
  cgSteps: z.int().min(1).max(64).default(3).describe('Conjugate-gradient steps per row and half-epoch (solver cg).'),
  initStd: z.number().nonnegative().default(0.1).describe('Initial factors are normal with this standard deviation / √factors.'),
});

export type IalsParams = z.infer<typeof ialsParamsSchema>;

/**
 * The quality knobs of Rendle et al. 2021 (λ, α0, ν) plus dimension, epochs, observed
 * confidence and eALS popularity weighting, over ranges that train in minutes at Gowalla
 * scale (30k users × 41k items). Solver, CG steps and `confidence` (identical for 0/1 data)
 * stay at their defaults: they trade speed, not quality.
 */
export const ialsSearchSpace: SearchSpace<IalsParams> = {
  factors: { kind: 'int', min: 32, max: 256, log: true, step: 16 },
  epochs: { kind: 'int', min: 4, max: 16 },
  regularization: { kind: 'float', min: 1e-4, max: 0.03, log: true },
  unobservedWeight: { kind: 'float', min: 1e-3, max: 0.05, log: true },
  regularizationExponent: { kind: 'float', min: 0, max: 1 },
  unobservedPopularityExponent: { kind: 'float', min: 0, max: 0.5 },
  alpha: { kind: 'float', min: 0.5, max: 5, log: true },
};

/** The weight of an observed pair's (ŷ − 1)² term for interaction strength r. */
export function confidenceOf(r: number, params: Pick<IalsParams, 'alpha' | 'confidence'>): number {
  return params.confidence === 'log' ? params.alpha * Math.log2(1 + r) : params.alpha * r;
}

/** λ·(observed + α0·others)^ν — Rendle et al. 2021's frequency-scaled regularisation. */
export function rowRegularization(observed: number, others: number, params: IalsParams): number {
  const nu = params.regularizationExponent;
  const mass = observed + params.unobservedWeight * others;
  return nu === 0 ? params.regularization : params.regularization * Math.pow(mass, nu);
}
