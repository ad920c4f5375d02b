import { IdIndex, Rng } from '../../core/index.js';
import type { TrainingData } from '../../data/index.js';
import type { UserQuery } from '../types.js';

/**
 * A small fixed data set with structure for quality-band tests: items belong to latent
 * clusters and have Zipf-like popularity within them; each user prefers one main and one
 * secondary cluster and draws most interactions from those, the rest from global popularity.
 * A personalised model can learn the clusters; popularity alone cannot. Each user's items are
 * split at random into training and a holdout (about one in five, at least one).
 */
export interface SyntheticOptions {
  users: number;
  items: number;
  clusters: number;
  minPerUser: number;
  maxPerUser: number;
  /** Share of a user's interactions drawn from main / secondary cluster; the rest is global. */
  mainShare: number;
  secondaryShare: number;
  holdoutShare: number;
  seed: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  users: 800,
  items: 400,
  clusters: 10,
  minPerUser: 10,
  maxPerUser: 40,
  mainShare: 0.6,
  secondaryShare: 0.25,
  holdoutShare: 0.2,
  seed: 20240611,
};

export interface SyntheticSplit {
  train: TrainingData;
  /** Per user (by training row), the held-out items, sorted. */
  holdout: Int32Array[];
}

const DAY = 86_400_000;
export const SYNTHETIC_NOW = Date.UTC(2025, 0, 1);

export function syntheticSplit(options: Partial<SyntheticOptions> = {}): SyntheticSplit {
  const o = { ...DEFAULT_SYNTHETIC, ...options };
  const rng = new Rng(o.seed);
  // Cumulative popularity per cluster and globally, for inverse-CDF sampling.
  const members: number[][] = Array.from({ length: o.clusters }, () => []);
  const popularity = new Float64Array(o.items);
  for (let i = 0; i < o.items; i++) {
    const c = i % o.clusters;
    members[c]!.push(i);
    popularity[i] = 1 / Math.pow(members[c]!.length, 0.8);
  }
  const clusterCdf = members.map((m) => cumulative(m.map((i) => popularity[i]!)));
  const globalCdf = cumulative(Array.from(popularity));

  const indptr = new Int32Array(o.users + 1);
  const indices: number[] = [];
  const lastSeen: number[] = [];
  const holdout: Int32Array[] = [];
  for (let u = 0; u < o.users; u++) {
    const main = rng.int(o.clusters);
    const secondary = (main + 1 + rng.int(o.clusters - 1)) % o.clusters;
    const want = o.minPerUser + rng.int(o.maxPerUser - o.minPerUser + 1);
    const chosen = new Set<number>();
    for (let guard = 0; chosen.size < want && guard < want * 50; guard++) {
      const r = rng.next();
      const c = r < o.mainShare ? main : r < o.mainShare + o.secondaryShare ? secondary : -1;
      chosen.add(c < 0 ? pick(globalCdf, rng) : members[c]![pick(clusterCdf[c]!, rng)]!);
    }
    const all = Int32Array.from(chosen);
    rng.shuffle(all);
    const nHoldout = Math.max(1, Math.round(all.length * o.holdoutShare));
    holdout.push(all.slice(0, nHoldout).sort());
    for (const i of all.slice(nHoldout).sort()) {
      indices.push(i);
      lastSeen.push(SYNTHETIC_NOW - rng.next() * 60 * DAY);
    }
    indptr[u + 1] = indices.length;
  }
  const train: TrainingData = {
    users: IdIndex.from(Array.from({ length: o.users }, (_, u) => `u${u}`)),
    items: IdIndex.from(Array.from({ length: o.items }, (_, i) => `i${i}`)),
    interactions: {
      rows: o.users,
      cols: o.items,
      indptr,
      indices: Int32Array.from(indices),
      values: new Float32Array(indices.length).fill(1),
    },
    lastSeen: Float64Array.from(lastSeen),
    now: SYNTHETIC_NOW,
  };
  return { train, holdout };
}

/** The training history of user u as a query; user = -1 asks the model to fold it in. */
export function queryOf(data: TrainingData, u: number, foldIn = false): UserQuery {
  const m = data.interactions;
  const start = m.indptr[u]!;
  const end = m.indptr[u + 1]!;
  return { user: foldIn ? -1 : u, items: m.indices.slice(start, end), weights: m.values.slice(start, end) };
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let t = 0; t < weights.length; t++) out[t] = s += weights[t]!;
  return out;
}

/** Index drawn with probability proportional to its weight (binary search in the CDF). */
function pick(cdf: Float64Array, rng: Rng): number {
  const x = rng.next() * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
