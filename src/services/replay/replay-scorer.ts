import type { IdIndex } from '../../core/index.js';
import {
  ExposureCounter,
  PER_USER_METRICS,
  intraListDiversity,
  jaccardDistance,
  noveltyAtK,
  popularityPercentiles,
} from '../../eval/index.js';

/** Per-user accuracy metrics (those of the offline protocol), each `<name>@<K>`: means over the users scored. */
export const ACCURACY_METRICS = PER_USER_METRICS;

/**
 * Beyond-accuracy metrics, each `<name>@<K>`: coverage (share of the catalogue in some list),
 * diversity (mean pairwise Jaccard distance of categories within a list), novelty (mean
 * self-information in bits), gini (of how often each item was recommended) and popPercentile
 * (mean popularity percentile of the recommended items, 0 = least popular, 1 = most).
 */
export const BEYOND_ACCURACY_METRICS = ['coverage', 'diversity', 'novelty', 'gini', 'popPercentile'] as const;

/** What the beyond-accuracy metrics need to know about the catalogue at `from`. */
export interface CatalogueFacts {
  /** The recommendable items at `from`: the index space of every list. */
  items: IdIndex;
  /** Categories of items[i]. */
  categories: readonly (readonly string[])[];
  /** How many distinct users had positive feedback on items[i] before `from`. */
  itemUsers: ArrayLike<number>;
  /** Users with any positive feedback before `from`. */
  users: number;
}

/**
 * Accumulates one configuration's lists, user by user, into accuracy and beyond-accuracy means.
 * Keeps each user's accuracy values so two configurations can be compared pair-wise.
 */
export class VariantScorer {
  private readonly percentiles: Float64Array;
  private readonly exposure: Map<number, ExposureCounter>;
  private readonly sums = new Map<string, { sum: number; n: number }>();
  /** `<metric>@<K>` → the value of every user scored, in scoring order. */
  readonly perUser = new Map<string, number[]>();
  users = 0;
  /** Recommended ids the catalogue at `from` does not know (should stay 0). */
  unknownItems = 0;
  /** Users whose list came back shorter than the largest K. */
  shortLists = 0;

  constructor(
    private readonly facts: CatalogueFacts,
    private readonly ks: readonly number[],
  ) {
    this.percentiles = popularityPercentiles(facts.itemUsers);
    this.exposure = new Map(ks.map((k) => [k, new ExposureCounter(facts.items.size)]));
  }

  add(list: readonly string[], relevantIds: ReadonlySet<string>): void {
    const { items } = this.facts;
    const ranked: number[] = [];
    for (const id of list) {
      const i = items.indexOf(id);
      if (i < 0) this.unknownItems++;
      else ranked.push(i);
    }
    const relevant = new Set<number>();
    for (const id of relevantIds) {
      const i = items.indexOf(id);
      if (i >= 0) relevant.add(i);
    }
    this.users++;
    if (ranked.length < Math.max(...this.ks)) this.shortLists++;
    const distance = (a: number, b: number) => jaccardDistance(this.facts.categories[a] ?? [], this.facts.categories[b] ?? []);
    for (const k of this.ks) {
      for (const [name, metric] of ACCURACY_METRICS) {
        const value = metric(ranked, relevant, k);
        this.mean(`${name}@${k}`, value);
        let values = this.perUser.get(`${name}@${k}`);
        if (!values) this.perUser.set(`${name}@${k}`, (values = []));
        values.push(value);
      }
      this.mean(`diversity@${k}`, intraListDiversity(ranked, k, distance));
      this.mean(`novelty@${k}`, noveltyAtK(ranked, k, this.facts.itemUsers, this.facts.users));
      const top = Math.min(k, ranked.length);
      for (let r = 0; r < top; r++) this.mean(`popPercentile@${k}`, this.percentiles[ranked[r]!]!);
      this.exposure.get(k)!.add(ranked, k);
    }
  }

  /** `<metric>@<K>` → value; a metric no list defined (diversity of one-item lists…) is NaN. */
  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of this.ks) {
      for (const [name] of ACCURACY_METRICS) out[`${name}@${k}`] = this.read(`${name}@${k}`);
      const exposure = this.exposure.get(k)!;
      out[`coverage@${k}`] = exposure.coverage();
      out[`diversity@${k}`] = this.read(`diversity@${k}`);
      out[`novelty@${k}`] = this.read(`novelty@${k}`);
      out[`gini@${k}`] = exposure.gini();
      out[`popPercentile@${k}`] = this.read(`popPercentile@${k}`);
    }
    return out;
  }

  /** NaN values (undefined for this list) are left out of the mean. */
  private mean(key: string, value: number): void {
    let s = this.sums.get(key);
    if (!s) this.sums.set(key, (s = { sum: 0, n: 0 }));
    if (Number.isNaN(value)) return;
    s.sum += value;
    s.n++;
  }

  private read(key: string): number {
    const s = this.sums.get(key);
    return s && s.n > 0 ? s.sum / s.n : NaN;
  }
}

/** A paired comparison of one accuracy metric: mean per-user difference and its 95% interval. */
export interface PairedDifference {
  mean: number;
  low: number;
  high: number;
}

/**
 * Candidate minus baseline over the same users: the mean of the per-user differences with a
 * normal-approximation 95% interval (± 1.96 standard errors). Pairing removes the spread between
 * users, so a small but consistent gain shows up as an interval clear of zero.
 */
export function pairedDifference(candidate: readonly number[], baseline: readonly number[]): PairedDifference {
  const n = Math.min(candidate.length, baseline.length);
  if (n === 0) return { mean: NaN, low: NaN, high: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += candidate[i]! - baseline[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (candidate[i]! - baseline[i]! - mean) ** 2;
  const se = n > 1 ? Math.sqrt(squares / (n - 1) / n) : NaN;
  return { mean, low: mean - 1.96 * se, high: mean + 1.96 * se };
}
