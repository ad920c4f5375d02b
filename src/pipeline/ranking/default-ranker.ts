/**
 * The ranker used before any impressions exist: a weighted fusion of the candidate sources'
 * own rankings, normalised per request so sources on different scales can be added.
 *
 * - `rrf` (the default): reciprocal rank fusion, Σ_s w_s / (k + rank_s) over the sources that
 *   proposed the item (Cormack, Clarke & Büttcher 2009, "Reciprocal Rank Fusion outperforms
 *   Condorcet and individual Rank Learning Methods"; k = 60 as there).
 * - `zscore`: Σ_s w_s · z_s, each source's scores standardised over this request's candidates
 *   it proposed; a source that did not propose the item contributes its lowest z in the request
 *   (being left out of a source's top list is evidence against the item, not neutral).
 */
import { z } from 'zod';
import type { FeatureMatrix } from './gbdt/index.js';
import type { Ranker } from './ranker.js';

export const defaultRankerConfigSchema = z.strictObject({
  method: z.enum(['rrf', 'zscore']).default('rrf').describe('rrf: reciprocal rank fusion; zscore: sum of per-request standardised scores.'),
  rrfK: z.number().nonnegative().default(60).describe('rrf: the k of 1 / (k + rank); larger flattens the top ranks.'),
  weights: z
    .record(z.string(), z.number().nonnegative())
    .default({})
    .describe('Weight per source name; a source not listed weighs `defaultWeight`.'),
  defaultWeight: z.number().nonnegative().default(1),
});

export type DefaultRankerConfig = z.infer<typeof defaultRankerConfigSchema>;
export type DefaultRankerConfigInput = z.input<typeof defaultRankerConfigSchema>;

interface SourceColumns {
  weight: number;
  score: number;
  rank: number;
}

export class DefaultRanker implements Ranker {
  readonly kind: string;
  readonly readsContext = false;
  readonly config: DefaultRankerConfig;
  private readonly sources: SourceColumns[] = [];

  /** `featureNames`: the FeatureAssembler's columns (the `score:<s>` / `rank:<s>` ones are read). */
  constructor(featureNames: readonly string[], config: DefaultRankerConfigInput = {}) {
    this.config = defaultRankerConfigSchema.parse(config);
    this.kind = `default-${this.config.method}`;
    for (const [score, name] of featureNames.entries()) {
      if (!name.startsWith('score:')) continue;
      const source = name.slice('score:'.length);
      const rank = featureNames.indexOf(`rank:${source}`);
      const weight = Object.hasOwn(this.config.weights, source) ? this.config.weights[source]! : this.config.defaultWeight;
      if (rank >= 0 && weight > 0) this.sources.push({ weight, score, rank });
    }
  }

  score(rows: FeatureMatrix, out = new Float64Array(rows.rows)): Float64Array {
    out.fill(0, 0, rows.rows);
    for (const s of this.sources) {
      if (this.config.method === 'rrf') this.addRrf(rows, s, out);
      else addZScores(rows, s, out);
    }
    return out;
  }

  private addRrf(rows: FeatureMatrix, s: SourceColumns, out: Float64Array): void {
    const k = this.config.rrfK;
    for (let r = 0; r < rows.rows; r++) {
      const rank = rows.values[r * rows.cols + s.rank]!;
      if (rank === rank) out[r]! += s.weight / (k + rank);
    }
  }
}

function addZScores(rows: FeatureMatrix, s: SourceColumns, out: Float64Array): void {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  for (let r = 0; r < rows.rows; r++) {
    const x = rows.values[r * rows.cols + s.score]!;
    if (!(x === x)) continue;
    n++;
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
  }
  if (n === 0) return;
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  const z = (x: number): number => (sd > 0 ? (x - mean) / sd : 0);
  const floor = z(min);
  for (let r = 0; r < rows.rows; r++) {
    const x = rows.values[r * rows.cols + s.score]!;
    out[r]! += s.weight * (x === x ? z(x) : floor);
  }
}
