/**
 * Offline ranking metrics as small pure functions of (ranked list, relevant set, K).
 *
 * Conventions (those of the LightGCN/BARS protocol where it fixes one):
 * - `ranked` is best first; only its first K entries count. A list shorter than K is scored as
 *   if padded with misses, so a model that recommends too little is not rewarded for it.
 * - An item that appears twice in `ranked` is counted once (at its first position), so no
 *   metric can exceed 1 on a faulty list.
 * - Gains are binary (relevant or not).
 * - With an empty relevant set, recall, NDCG and AP are undefined and return NaN; protocols
 *   skip such users. Precision, hit rate and reciprocal rank are then 0.
 */
export type Ranked = ArrayLike<number>;
export type Relevant = ReadonlySet<number>;

/** 1 at the (first) positions of the top K that hold a relevant item, 0 elsewhere. */
export function hitFlags(ranked: Ranked, relevant: Relevant, k: number): Uint8Array {
  const n = Math.max(0, Math.min(k, ranked.length));
  const flags = new Uint8Array(n);
  let found: Set<number> | null = null;
  for (let i = 0; i < n; i++) {
    const item = ranked[i]!;
    if (!relevant.has(item)) continue;
    found ??= new Set();
    if (found.has(item)) continue;
    found.add(item);
    flags[i] = 1;
  }
  return flags;
}

/** Relevant items within the top K. */
export function hitsAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  let hits = 0;
  for (const f of hitFlags(ranked, relevant, k)) hits += f;
  return hits;
}

/** hits / |relevant| — not hits / min(|relevant|, K): a user with more test items than K cannot reach 1 (BARS). */
export function recallAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  return hitsAtK(ranked, relevant, k) / relevant.size;
}

/** hits / K. */
export function precisionAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  return k > 0 ? hitsAtK(ranked, relevant, k) / k : 0;
}

/** 1 when the top K holds any relevant item. */
export function hitRateAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/** DCG@K / ideal DCG@K, gains 1/log2(rank + 1), ideal list = min(|relevant|, K) hits on top. */
export function ndcgAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  const flags = hitFlags(ranked, relevant, k);
  let dcg = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i]) dcg += discount(i);
  const idealHits = Math.min(relevant.size, Math.max(k, 0));
  let ideal = 0;
  for (let i = 0; i < idealHits; i++) ideal += discount(i);
  return dcg / ideal;
}

/**
 * Average precision at K: the sum of precision@i over the ranks i ≤ K that hold a hit, divided
 * by min(|relevant|, K) — the most hits the top K can hold, so a perfect top K scores 1 even
 * when the user has more relevant items than K. (Dividing by |relevant| would make AP@K a
 * truncated-recall hybrid; dividing by the hits found would give 1 to a list with a single hit
 * at rank 1.) Its mean over users is MAP@K.
 */
export function averagePrecisionAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  const flags = hitFlags(ranked, relevant, k);
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    hits++;
    sum += hits / (i + 1);
  }
  return sum / Math.min(relevant.size, Math.max(k, 0));
}

/** 1 / rank of the first hit when it lies within the top K, else 0. Its mean is MRR@K. */
export function reciprocalRankAtK(ranked: Ranked, relevant: Relevant, k: number): number {
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) return 1 / (i + 1);
  return 0;
}

/** Discount of the item at 0-based position i: 1 / log2(i + 2). */
function discount(i: number): number {
  return 1 / Math.log2(i + 2);
}

/** Distinct items over the top K of every list / catalogue size. */
export function catalogueCoverage(lists: Iterable<Ranked>, catalogueSize: number, k: number): number {
  const counter = new CoverageCounter(catalogueSize);
  for (const ranked of lists) counter.add(ranked, k);
  return counter.value();
}

/*
 * Beyond-accuracy metrics. They describe what a configuration recommends rather than whether it
 * hit the user's future: how much of the catalogue it uses, how varied one list is, how far from
 * the obvious bestsellers it reaches, and how unequally it spreads exposure over items.
 */

/**
 * Jaccard distance of two label sets (categories, tags): 1 − |A ∩ B| / |A ∪ B|. Two empty sets
 * are at distance 0: nothing tells them apart, so unlabelled items never look diverse.
 */
export function jaccardDistance(a: readonly string[], b: readonly string[]): number {
  const setA = new Set(a);
  const setB = new Set(b);
  let shared = 0;
  for (const x of setA) if (setB.has(x)) shared++;
  const union = setA.size + setB.size - shared;
  return union === 0 ? 0 : 1 - shared / union;
}

/**
 * Intra-list diversity (Ziegler et al. 2005, as a distance): the mean of distance(i, j) over the
 * unordered pairs of the top K. NaN for a list of fewer than two items (no pair to compare).
 */
export function intraListDiversity(ranked: Ranked, k: number, distance: (a: number, b: number) => number): number {
  const n = Math.max(0, Math.min(k, ranked.length));
  if (n < 2) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += distance(ranked[i]!, ranked[j]!);
  return sum / ((n * (n - 1)) / 2);
}

/**
 * Self-information of an item that `itemUsers` of `users` users interacted with:
 * −log2((itemUsers + 1) / (users + 1)). Add-one smoothing keeps an item nobody has touched finite
 * (it gets the most bits, log2(users + 1)); an item everybody touched gets 0.
 */
export function selfInformation(itemUsers: number, users: number): number {
  return Math.log2((users + 1) / (itemUsers + 1));
}

/**
 * Novelty of a list (Zhou et al. 2010): the mean self-information of its top K items, where
 * itemUsers[i] is how many of `users` users interacted with item i. NaN for an empty list.
 */
export function noveltyAtK(ranked: Ranked, k: number, itemUsers: ArrayLike<number>, users: number): number {
  const n = Math.max(0, Math.min(k, ranked.length));
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += selfInformation(itemUsers[ranked[i]!] ?? 0, users);
  return sum / n;
}

/**
 * Gini index of non-negative counts (e.g. how often each catalogue item was recommended):
 * Σ (2i − n − 1)·x₍ᵢ₎ / (n · Σ x) over the counts sorted ascending, i = 1…n. 0 when every item
 * gets the same exposure, (n − 1)/n when one item gets all of it; 0 for no exposure at all.
 */
export function giniIndex(counts: ArrayLike<number>): number {
  const n = counts.length;
  const sorted = Float64Array.from(counts).sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    if (x < 0) throw new RangeError(`counts must be non-negative, got ${x}`);
    total += x;
    weighted += (2 * (i + 1) - n - 1) * x;
  }
  return total > 0 ? weighted / (n * total) : 0;
}

/**
 * Each item's popularity percentile within the catalogue: (mid-rank − 1) / (n − 1), ranks
 * ascending by popularity and tied items sharing their average rank. 0 is the single least
 * popular item, 1 the single most popular; a catalogue of one item (or all tied) sits at 0.5.
 */
export function popularityPercentiles(popularity: ArrayLike<number>): Float64Array {
  const n = popularity.length;
  const out = new Float64Array(n);
  if (n === 1) out[0] = 0.5;
  if (n <= 1) return out;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => popularity[a]! - popularity[b]!);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && popularity[order[end]!] === popularity[order[start]!]) end++;
    // 1-based ranks start+1 … end share their mean, (start + 1 + end) / 2.
    const percentile = ((start + 1 + end) / 2 - 1) / (n - 1);
    for (let r = start; r < end; r++) out[order[r]!] = percentile;
    start = end;
  }
  return out;
}

/**
 * How often each catalogue item appears in the top K of many lists: catalogue coverage and the
 * Gini index of exposure from one pass. Feed lists with `add`.
 */
export class ExposureCounter {
  readonly counts: Float64Array;

  constructor(readonly catalogueSize: number) {
    this.counts = new Float64Array(catalogueSize);
  }

  add(ranked: Ranked, k: number): void {
    const n = Math.min(k, ranked.length);
    for (let i = 0; i < n; i++) {
      const item = ranked[i]!;
      if (item < 0 || item >= this.catalogueSize) throw new RangeError(`item ${item} outside a catalogue of ${this.catalogueSize}`);
      this.counts[item]!++;
    }
  }

  /** Distinct recommended items / catalogue size (0 for an empty catalogue). */
  coverage(): number {
    let distinct = 0;
    for (const c of this.counts) if (c > 0) distinct++;
    return this.catalogueSize > 0 ? distinct / this.catalogueSize : 0;
  }

  /** Gini index of the recommendation counts over the whole catalogue (unrecommended items count 0). */
  gini(): number {
    return giniIndex(this.counts);
  }
}

/**
 * Catalogue coverage, an aggregate over many lists: the share of the catalogue that appears in
 * at least one top K. Feed lists with `add`, read with `value`.
 */
export class CoverageCounter extends ExposureCounter {
  /** Distinct recommended items / catalogue size (0 for an empty catalogue). */
  value(): number {
    return this.coverage();
  }
}
