/**
 * What ranks a request's candidates: a function of their feature rows. The default ranker
 * (before impressions exist) and the learned one implement the same interface, so the pipeline
 * swaps one for the other without knowing which it holds.
 */
import type { Candidate } from '../candidate.js';
import type { FeatureMatrix, GbdtModel } from './gbdt/index.js';

export interface Ranker {
  /** "default-rrf", "default-zscore", "gbdt-lambdamart", "gbdt-binary". */
  readonly kind: string;
  /** False when score() reads only the source columns (score:<s>, rank:<s>): the rest may be NaN. */
  readonly readsContext: boolean;
  /**
   * One score per row; higher ranks first. The rows are ONE request's candidates in the
   * FeatureAssembler's column order (per-request normalisations such as z-scores rely on it).
   */
  score(rows: FeatureMatrix, out?: Float64Array): Float64Array;
}

/** Sets each candidate's score and returns them best first (ties keep the input order). */
export function rankCandidates(candidates: readonly Candidate[], scores: ArrayLike<number>): Candidate[] {
  if (scores.length !== candidates.length) throw new RangeError(`${scores.length} scores for ${candidates.length} candidates`);
  const order = Array.from(candidates.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.map((i) => ({ ...candidates[i]!, score: scores[i]! }));
}

/**
 * A trained forest as a ranker. The model's columns are matched to the assembler's by name, so
 * a model trained before a source was added still serves (a column it does not know is ignored;
 * one it needs but the assembler lacks reads as missing).
 */
export class GbdtRanker implements Ranker {
  readonly kind: string;
  readonly readsContext = true;
  /** For each model column, the assembler column it reads, or −1. Null when they are identical. */
  private readonly columnMap: Int32Array | null;
  private scratch = new Float64Array(0);

  constructor(
    readonly model: GbdtModel,
    featureNames: readonly string[],
  ) {
    this.kind = `gbdt-${model.objective}`;
    const wanted = model.featureNames;
    const same = wanted.length === featureNames.length && wanted.every((n, i) => n === featureNames[i]);
    this.columnMap = same ? null : Int32Array.from(wanted, (n) => featureNames.indexOf(n));
  }

  score(rows: FeatureMatrix, out = new Float64Array(rows.rows)): Float64Array {
    const map = this.columnMap;
    if (!map) return this.model.predict(rows, out);
    const width = map.length;
    if (this.scratch.length < rows.rows * width) this.scratch = new Float64Array(rows.rows * width);
    const values = this.scratch.subarray(0, rows.rows * width);
    for (let r = 0; r < rows.rows; r++) {
      for (let j = 0; j < width; j++) {
        const c = map[j]!;
        values[r * width + j] = c >= 0 ? rows.values[r * rows.cols + c]! : NaN;
      }
    }
    return this.model.predict({ rows: rows.rows, cols: width, values }, out);
  }
}
