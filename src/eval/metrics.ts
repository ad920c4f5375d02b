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

/**
 * Catalogue coverage, an aggregate over many lists: the share of the catalogue that appears in
 * at least one top K. Feed lists with `add`, read with `value`.
 */
export class CoverageCounter {
  private readonly seen: Uint8Array;
  private distinct = 0;

  constructor(readonly catalogueSize: number) {
    this.seen = new Uint8Array(catalogueSize);
  }

  add(ranked: Ranked, k: number): void {
    const n = Math.min(k, ranked.length);
    for (let i = 0; i < n; i++) {
      const item = ranked[i]!;
      if (item < 0 || item >= this.catalogueSize) throw new RangeError(`item ${item} outside a catalogue of ${this.catalogueSize}`);
      if (this.seen[item] === 0) {
        this.seen[item] = 1;
        this.distinct++;
      }
    }
  }

  /** Distinct recommended items / catalogue size (0 for an empty catalogue). */
  value(): number {
    return this.catalogueSize > 0 ? this.distinct / this.catalogueSize : 0;
  }
}

/** Distinct items over the top K of every list / catalogue size. */
export function catalogueCoverage(lists: Iterable<Ranked>, catalogueSize: number, k: number): number {
  const counter = new CoverageCounter(catalogueSize);
  for (const ranked of lists) counter.add(ranked, k);
  return counter.value();
}
