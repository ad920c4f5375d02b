import type { ItemAttributes } from '../candidate.js';
import type { PairSimilarity } from './similarity.js';

export interface DiversityOptions {
  /** MMR trade-off in [0, 1]; 1 = relevance only. */
  lambda: number;
  /** At most `max` items of one category in any `window` consecutive positions (0 = whole list). */
  cap: { max: number; window: number } | undefined;
}

/**
 * Greedy re-ranking with maximal marginal relevance (Carbonell & Goldstein 1998) and
 * per-category caps, over items already sorted by score. Step t places the unplaced item with
 * the highest  λ·rel(i) − (1−λ)·max_{j placed} sim(i, j)  among those the cap allows, where
 * rel is the score min-max scaled to [0, 1] so both terms share a scale. If the cap allows
 * none, the best item is placed anyway: caps reorder and never shorten a list.
 *
 * Greedy selection is prefix-stable, the property pagination needs: the first k of a run for
 * `want` = K ≥ k are exactly the run for `want` = k. Cost: at most want × n similarity calls
 * when λ < 1, far fewer in practice (a rank is looked at only while its relevance bound can
 * still win, see below); O(n) per step for caps alone; a slice when both are off.
 *
 * @param order item indices sorted best first
 * @param scores score per item index
 * @returns up to `want` item indices in their new order
 */
export function diversify(
  order: readonly number[],
  scores: ArrayLike<number>,
  attrs: readonly ItemAttributes[],
  want: number,
  opts: DiversityOptions,
  similarity: () => PairSimilarity,
): number[] {
  const n = order.length;
  const k = Math.min(want, n);
  const mmr = opts.lambda < 1;
  if (!mmr && !opts.cap) return order.slice(0, k);

  const lambda = opts.lambda;
  const rel = mmr ? relevance(order, scores) : undefined;
  const sim = mmr ? similarity() : undefined;
  // Lazy MMR: maxSim[r] covers the first upTo[r] placed items only. It is brought up to date
  // when rank r is looked at, and only as far as needed: a partial maximum already gives an
  // upper bound on r's value, so r is dropped as soon as that bound cannot beat the best.
  const maxSim = mmr ? new Float64Array(n) : undefined;
  const upTo = mmr ? new Int32Array(n) : undefined;
  const cap = opts.cap ? new CategoryWindow(order, attrs, opts.cap.max, opts.cap.window) : undefined;
  const taken = new Uint8Array(n);
  const placed: number[] = []; // ranks, in placement order
  const out: number[] = [];
  let firstFree = 0; // every rank below this one is taken

  for (let t = 0; t < k; t++) {
    while (taken[firstFree]) firstFree++;
    let best = -1;
    let bestValue = -Infinity;
    let fallback = -1;
    let fallbackValue = -Infinity;
    for (let r = firstFree; r < n; r++) {
      if (taken[r]) continue;
      if (!mmr) {
        // Without MMR, rank order is value order: the first item the cap allows is the best.
        if (cap && !cap.allows(r)) {
          if (fallback < 0) fallback = r;
          continue;
        }
        best = r;
        break;
      }
      const bound = lambda * rel![r]!;
      // rel falls with rank, so no later item can beat the best found: stop (exact, not a heuristic).
      if (best >= 0 && bound <= bestValue) break;
      // What is known of r's similarity already rules it out: skip before any other work.
      if (best >= 0 && bound - (1 - lambda) * maxSim![r]! <= bestValue) continue;
      const allowed = !cap || cap.allows(r);
      // A capped item only matters as the fallback, which is used only if nothing is allowed.
      if (!allowed && best >= 0) continue;
      const beat = allowed ? bestValue : fallbackValue;
      let m = maxSim![r]!;
      let q = upTo![r]!;
      const p = order[r]!;
      while (q < placed.length && bound - (1 - lambda) * m > beat) {
        const s = sim!(p, order[placed[q]!]!);
        if (s > m) m = s;
        q++;
      }
      maxSim![r] = m;
      upTo![r] = q;
      if (q < placed.length) continue; // bounded out before catching up: cannot be the best
      const value = bound - (1 - lambda) * m;
      if (allowed) {
        if (value > bestValue) {
          bestValue = value;
          best = r;
        }
      } else if (value > fallbackValue) {
        fallbackValue = value;
        fallback = r;
      }
    }
    const pick = best >= 0 ? best : fallback;
    taken[pick] = 1;
    placed.push(pick);
    out.push(order[pick]!);
    cap?.place(pick, placed);
  }
  return out;
}

/** Scores min-max scaled to [0, 1] by rank; infinities clamp to the ends, all-equal reads as 1. */
function relevance(order: readonly number[], scores: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of order) {
    const s = scores[i]!;
    if (Number.isFinite(s)) {
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
  }
  const rel = new Float64Array(order.length);
  const span = hi - lo;
  for (let r = 0; r < order.length; r++) {
    const s = scores[order[r]!]!;
    rel[r] = s === Infinity ? 1 : s === -Infinity ? 0 : span > 0 ? (s - lo) / span : 1;
  }
  return rel;
}

/**
 * Counts of each category among the last window − 1 placed items (or all, for window 0).
 * Categories are interned lazily, on a rank's first check: without MMR the scan stops early.
 */
class CategoryWindow {
  private readonly cats: (Int32Array | undefined)[];
  private readonly intern = new Map<string, number>();
  private counts = new Int32Array(16);

  constructor(
    private readonly order: readonly number[],
    private readonly attrs: readonly ItemAttributes[],
    private readonly max: number,
    private readonly window: number,
  ) {
    this.cats = new Array<Int32Array | undefined>(order.length);
  }

  /** Would placing the item of rank r next keep every one of its categories within the cap? */
  allows(r: number): boolean {
    const cats = this.catsOf(r);
    for (let i = 0; i < cats.length; i++) if (this.counts[cats[i]!]! >= this.max) return false;
    return true;
  }

  /** Counts the item just placed; the one falling out of the window stops counting. */
  place(r: number, placedRanks: readonly number[]): void {
    for (const c of this.catsOf(r)) this.counts[c]!++;
    if (this.window > 0) {
      const leaving = placedRanks.length - this.window;
      if (leaving >= 0) for (const c of this.catsOf(placedRanks[leaving]!)) this.counts[c]!--;
    }
  }

  private catsOf(r: number): Int32Array {
    let cats = this.cats[r];
    if (cats === undefined) {
      const names = this.attrs[this.order[r]!]!.categories;
      const ids: number[] = [];
      for (const name of names) {
        let id = this.intern.get(name);
        if (id === undefined) this.intern.set(name, (id = this.intern.size));
        if (!ids.includes(id)) ids.push(id); // a category listed twice counts once
      }
      if (this.intern.size > this.counts.length) {
        const grown = new Int32Array(Math.max(this.intern.size, this.counts.length * 2));
        grown.set(this.counts);
        this.counts = grown;
      }
      this.cats[r] = cats = Int32Array.from(ids);
    }
    return cats;
  }
}
