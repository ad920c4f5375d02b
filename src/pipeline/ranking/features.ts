/**
 * The ranker's feature vector for one (user, candidate, context): a named, fixed-order list of
 * numbers, assembled by the same code for offline training and online serving so the two can
 * never disagree. Missing values are NaN; the trees route them with a learned default direction.
 *
 * Columns, in order (S = the source names given at construction):
 *
 * | name                     | meaning                                                                     |
 * |--------------------------|-----------------------------------------------------------------------------|
 * | `score:<source>` ×S      | that source's own score for the item; NaN when it did not propose the item  |
 * | `rank:<source>` ×S       | 1-based rank of the item among this request's candidates by that source's score; NaN when not proposed |
 * | `source_count`           | how many sources proposed the item                                          |
 * | `item_popularity`        | log(1 + the item's interaction count)                                       |
 * | `item_age_days`          | log(1 + days since the item was created); NaN when unknown                  |
 * | `user_history`           | log(1 + the number of items in the user's history)                          |
 * | `category_affinity`      | largest share of the user's history in one of the item's categories; NaN without history or categories |
 * | `category_affinity_mean` | mean of those shares over the item's categories                             |
 * | `content_similarity`     | content similarity of the item to the user's recent items, when given; else NaN |
 * | `hour_of_day`            | hour of the request, 0–23, in the configured time zone                      |
 * | `day_of_week`            | day of the request, 0 = Sunday … 6 = Saturday                               |
 * | `surface`                | index of the request's surface in the configured surface list; NaN for another |
 */
import type { AttributeLookup, Candidate } from '../candidate.js';
import type { FeatureMatrix } from './gbdt/index.js';

export interface FeatureSpec {
  /** Candidate source names: one score and one rank column each, in this order. */
  readonly sources: readonly string[];
  /** Surface names; the `surface` feature is the index in this list. */
  readonly surfaces?: readonly string[] | undefined;
  /** Minutes east of UTC for hour of day and day of week (default 0, UTC). */
  readonly utcOffsetMinutes?: number | undefined;
}

/** What the ranker knows about the user: their history's size and categories. */
export interface UserProfile {
  readonly historyLength: number;
  /** Per category, how many of the user's history items carry it. */
  readonly categoryCounts: ReadonlyMap<string, number>;
}

export interface FeatureInputs {
  readonly candidates: readonly Candidate[];
  readonly attributes: AttributeLookup;
  /** Interaction count of an item (undefined = never interacted with). */
  readonly popularity: (id: string) => number | undefined;
  readonly user: UserProfile;
  /** The request's time, ms since the epoch. */
  readonly now: number;
  readonly surface: string;
  /** Content similarity of a candidate to the user's recent items, when a content model is on. */
  readonly contentSimilarity?: ((id: string) => number | undefined) | undefined;
}

export const DEFAULT_SURFACES: readonly string[] = ['home', 'item', 'rerank', 'email'];

const CONTEXT_FEATURES: readonly (readonly [string, string])[] = [
  ['source_count', 'how many sources proposed the item'],
  ['item_popularity', "log(1 + the item's interaction count)"],
  ['item_age_days', 'log(1 + days since the item was created); missing when unknown'],
  ['user_history', "log(1 + the number of items in the user's history)"],
  ['category_affinity', "largest share of the user's history in one of the item's categories"],
  ['category_affinity_mean', "mean share of the user's history over the item's categories"],
  ['content_similarity', "content similarity of the item to the user's recent items (missing without a content model)"],
  ['hour_of_day', 'hour of the request, 0-23'],
  ['day_of_week', 'day of the request, 0 = Sunday'],
  ['surface', 'index of the surface in the configured surface list'],
];

const DAY_MS = 86_400_000;

export class FeatureAssembler {
  /** Column names, in order. */
  readonly names: readonly string[];
  /** One line per column, for docs and the dashboard. */
  readonly descriptions: readonly string[];
  private readonly sources: readonly string[];
  private readonly surfaces: readonly string[];
  private readonly offsetMs: number;

  constructor(spec: FeatureSpec) {
    if (new Set(spec.sources).size !== spec.sources.length) throw new RangeError('source names must be distinct');
    this.sources = [...spec.sources];
    this.surfaces = [...(spec.surfaces ?? DEFAULT_SURFACES)];
    this.offsetMs = (spec.utcOffsetMinutes ?? 0) * 60_000;
    const columns: (readonly [string, string])[] = [
      ...this.sources.map((s) => [`score:${s}`, `score of source ${s} (missing when it did not propose the item)`] as const),
      ...this.sources.map((s) => [`rank:${s}`, `1-based rank of the item in source ${s}'s list (missing when not proposed)`] as const),
      ...CONTEXT_FEATURES,
    ];
    this.names = columns.map(([name]) => name);
    this.descriptions = columns.map(([, description]) => description);
  }

  get width(): number {
    return this.names.length;
  }

  /** The column of a feature name, or −1. */
  column(name: string): number {
    return this.names.indexOf(name);
  }

  /**
   * One row per candidate, in the candidates' order. `out` (length ≥ rows × width) is reused
   * when given, so serving allocates nothing per request. With `context: false` only the
   * source columns are filled (all a fusion ranker reads); fillContext completes a row later,
   * for the few rows that are logged.
   */
  assemble(input: FeatureInputs, out?: Float64Array, options: { context?: boolean } = {}): FeatureMatrix {
    const rows = input.candidates.length;
    const cols = this.width;
    const values = out && out.length >= rows * cols ? out.subarray(0, rows * cols) : new Float64Array(rows * cols);
    values.fill(NaN);
    this.fillSourceColumns(input.candidates, values);
    const matrix = { rows, cols, values };
    if (options.context !== false) for (let r = 0; r < rows; r++) this.fillContext(input, matrix, r);
    return matrix;
  }

  /** The non-source columns of row r (the row of input.candidates[r]). */
  fillContext(input: FeatureInputs, matrix: FeatureMatrix, r: number): void {
    const { user, now } = input;
    const values = matrix.values;
    const c = input.candidates[r]!;
    const attrs = input.attributes(c.id);
    const local = now + this.offsetMs;
    const surface = this.surfaces.indexOf(input.surface);
    let at = r * matrix.cols + 2 * this.sources.length;
    values[at++] = Object.keys(c.sourceScores).length;
    values[at++] = Math.log1p(Math.max(0, input.popularity(c.id) ?? 0));
    values[at++] = attrs && Number.isFinite(attrs.createdAt) ? Math.log1p(Math.max(0, now - attrs.createdAt) / DAY_MS) : NaN;
    values[at++] = Math.log1p(Math.max(0, user.historyLength));
    const [maxShare, meanShare] = attrs ? categoryAffinity(attrs.categories, user) : [NaN, NaN];
    values[at++] = maxShare;
    values[at++] = meanShare;
    values[at++] = input.contentSimilarity?.(c.id) ?? NaN;
    values[at++] = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
    values[at++] = (((Math.floor(local / DAY_MS) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    values[at++] = surface >= 0 ? surface : NaN;
  }

  /** score:<s> and rank:<s>: ranks by descending score among the candidates s proposed. */
  private fillSourceColumns(candidates: readonly Candidate[], values: Float64Array): void {
    const cols = this.width;
    const S = this.sources.length;
    const proposed: number[] = [];
    for (let s = 0; s < S; s++) {
      const name = this.sources[s]!;
      proposed.length = 0;
      for (let r = 0; r < candidates.length; r++) {
        const score = candidates[r]!.sourceScores[name];
        if (score === undefined || !(score === score)) continue;
        values[r * cols + s] = score;
        proposed.push(r);
      }
      proposed.sort((a, b) => values[b * cols + s]! - values[a * cols + s]! || a - b);
      for (let k = 0; k < proposed.length; k++) values[proposed[k]! * cols + S + s] = k + 1;
    }
  }
}

/** [largest, mean] share of the user's history in the item's categories; NaN when undefined. */
function categoryAffinity(categories: readonly string[], user: UserProfile): [number, number] {
  if (user.historyLength <= 0 || categories.length === 0) return [NaN, NaN];
  let max = 0;
  let sum = 0;
  for (const c of categories) {
    const share = (user.categoryCounts.get(c) ?? 0) / user.historyLength;
    if (share > max) max = share;
    sum += share;
  }
  return [max, sum / categories.length];
}

/** A user's profile from their history's item ids (unknown items count towards the length only). */
export function userProfile(historyIds: Iterable<string>, attributes: AttributeLookup): UserProfile {
  const categoryCounts = new Map<string, number>();
  let historyLength = 0;
  for (const id of historyIds) {
    historyLength++;
    const attrs = attributes(id);
    if (!attrs) continue;
    for (const c of new Set(attrs.categories)) categoryCounts.set(c, (categoryCounts.get(c) ?? 0) + 1);
  }
  return { historyLength, categoryCounts };
}
