import type { MagpieConfig } from '../config/index.js';
import type { GateRecord, ModelMeta } from '../ports/index.js';

export type GateConfig = MagpieConfig['training']['gate'];

export interface GateInput {
  gate: GateConfig;
  /** The new model's recipe and its metrics on the run's holdout (empty when there was none). */
  algorithm: string;
  params: unknown;
  metrics: Record<string, number>;
  /** The role's serving model, null when the role has none yet. */
  serving: ModelMeta | null;
  /**
   * Trains `algorithm` with `params` on the holdout's training part and measures it on the
   * holdout's test part: the same data and the same test the new model had.
   */
  remeasure: (algorithm: string, params: unknown) => Promise<Record<string, number>>;
}

/**
 * The validation gate (ADR 0011): a new model passes unless its holdout metric is worse than the
 * serving model's by more than the tolerance (a fraction of the serving score). The serving
 * model itself is never scored on the new holdout: it was trained on data that overlaps it and
 * would look better than it is. Its recipe (algorithm and parameters) is retrained on the
 * holdout's training part instead, so both sides learn from the same events and are tested on
 * the same newer ones. When the recipes are the same, both sides are the same training, so the
 * new model's score stands for both.
 */
export async function judgeCandidate(input: GateInput): Promise<GateRecord> {
  const { gate, serving } = input;
  const candidate = input.metrics[gate.metric] ?? null;
  const base = { metric: gate.metric, candidate, tolerance: gate.tolerance };
  if (!gate.enabled) return { ...base, passed: true, serving: null, reason: 'the gate is off (training.gate.enabled is false)' };
  if (serving === null) return { ...base, passed: true, serving: null, reason: 'the first model of this role' };
  if (candidate === null) {
    return { ...base, passed: true, serving: null, reason: `no holdout ${gate.metric} to compare (too few events for a holdout, or training.holdoutFraction is 0)` };
  }
  let servingScore: number;
  let how: string;
  if (serving.algorithm === input.algorithm && canonicalJson(serving.params) === canonicalJson(input.params)) {
    servingScore = candidate;
    how = `v${serving.version} has the same algorithm and parameters, so retrained on these events it is this model`;
  } else {
    try {
      const measured = (await input.remeasure(serving.algorithm, serving.params))[gate.metric];
      if (measured === undefined) throw new Error(`${gate.metric} was not measured`);
      servingScore = measured;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { ...base, passed: true, serving: null, reason: `the serving model v${serving.version} (${serving.algorithm}) could not be retrained on the holdout to compare: ${why}` };
    }
    how = `v${serving.version}'s ${serving.algorithm} with its parameters, retrained on the same holdout`;
  }
  const floor = servingScore * (1 - gate.tolerance);
  // A hair of slack, so that equal scores computed along different float paths still pass.
  const passed = candidate >= floor - 1e-12;
  const scores = `${gate.metric} ${candidate.toFixed(4)} vs ${servingScore.toFixed(4)} (${how})`;
  const percent = `${+(gate.tolerance * 100).toFixed(2)}%`;
  const reason = passed
    ? `${scores}: not worse by more than ${percent}`
    : `${scores}: worse by ${(((servingScore - candidate) / servingScore) * 100).toFixed(1)}%, more than the ${percent} tolerance`;
  return { ...base, passed, serving: servingScore, reason };
}

/** JSON with object keys sorted, so that equal parameters compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
