import { MagpieError } from '../../core/index.js';
import type { Vec } from '../blas.js';
import type { VectorIndex } from './types.js';
import type { UsearchVectorIndex } from './usearch-index.js';

export interface CalibrationOptions {
  /** Result list length the recall is measured at. Default 100. */
  k?: number;
  /** Smallest acceptable mean recall@k against exact search. Default 0.98. */
  targetRecall?: number;
  /** Largest efSearch tried. Default 4096. */
  maxExpansion?: number;
  /**
   * z of the one-sided bound the target must be met with: mean − z·sd/√n ≥ target, so that a
   * small sample does not pass by luck. Default 1.645 (95 %); 0 compares the mean alone.
   */
  z?: number;
}

export interface Calibration {
  /** The efSearch now set on the index. */
  expansionSearch: number;
  /** Mean recall@k on the sample at that efSearch. */
  recall: number;
  /** The lower confidence bound on recall that was compared with the target. */
  recallLowerBound: number;
  /** False when even maxExpansion missed the target (the index is left at maxExpansion). */
  reachedTarget: boolean;
}

/**
 * Sets the index's efSearch to the smallest value on a ladder k, 1.5k, 2.25k, … whose recall@k
 * against exact search on `sample` reaches the target with confidence (a one-sided lower bound
 * on the mean, see `z`). How hard a catalogue is for HNSW depends on its score distribution —
 * on Gowalla's iALS factors the default efSearch gives recall@100 ≈ 0.99 on the whole catalogue
 * but ≈ 0.94 on its first 20k items (bench/ann.mts) — so a sample of real queries (user
 * vectors) decides rather than a constant. Cost: one exact scan per sample query plus one
 * approximate pass per step; the index keeps the exact scanner it builds for this (its fallback).
 */
export function calibrateExpansion(index: UsearchVectorIndex, sample: readonly Vec[], options: CalibrationOptions = {}): Calibration {
  const k = options.k ?? 100;
  const target = options.targetRecall ?? 0.98;
  const maxExpansion = options.maxExpansion ?? 4096;
  const z = options.z ?? 1.645;
  if (!Number.isInteger(k) || k < 1 || !(target >= 0 && target <= 1) || !Number.isInteger(maxExpansion) || maxExpansion < 1 || !(z >= 0)) {
    throw new MagpieError(
      'VALIDATION_FAILED',
      'calibration needs an integer k ≥ 1, a target recall in [0, 1], an integer maxExpansion ≥ 1 and z ≥ 0',
      { k, targetRecall: target, maxExpansion, z },
    );
  }
  if (sample.length === 0) {
    return { expansionSearch: index.expansionSearch, recall: Number.NaN, recallLowerBound: Number.NaN, reachedTarget: false };
  }
  const exact = index.exactIndex();
  const truth = sample.map((q) => new Set(exact.search(q, k).indices));
  let ef = Math.min(k, maxExpansion);
  for (;;) {
    index.expansionSearch = ef;
    const { mean, sd } = recallStats(index, sample, truth, k);
    const bound = mean - (z * sd) / Math.sqrt(sample.length);
    const result = { expansionSearch: ef, recall: mean, recallLowerBound: bound };
    if (bound >= target) return { ...result, reachedTarget: true };
    if (ef >= maxExpansion) return { ...result, reachedTarget: false };
    ef = Math.min(Math.ceil(1.5 * ef), maxExpansion);
  }
}

/** Mean and sample standard deviation of per-query recall@k. */
function recallStats(index: VectorIndex, sample: readonly Vec[], truth: Set<number>[], k: number): { mean: number; sd: number } {
  const recalls = sample.map((q, s) => {
    const want = truth[s]!;
    if (want.size === 0) return 1;
    let hits = 0;
    for (const i of index.search(q, k).indices) if (want.has(i)) hits++;
    return hits / want.size;
  });
  const n = recalls.length;
  const mean = recalls.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? recalls.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}
