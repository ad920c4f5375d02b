/**
 * A simulated world with known preferences, for exercising the impression → training path:
 * users with category tastes, items with categories, quality, a Zipf popularity prior and a
 * creation time, and a position-based click model (Craswell et al. 2008; Joachims et al. 2017):
 *
 *   P(click at position p) = P(examined | p) · P(attracted | user, item, time)
 *   P(examined | p)        = 1 / (1 + p)^η
 *   logit P(attracted)     = base + log(C · taste_u[category]) + quality_i
 *                            + freshness · exp(−age_days / 7) + [evening] · eveningPopularity · z(log popularity)
 *
 * Freshness and the evening taste for popular items are what no collaborative source knows,
 * but the ranker's features (item age, hour of day, popularity) can learn.
 */
import { Rng } from '../../../core/index.js';
import type { AttributeLookup, ItemAttributes } from '../../candidate.js';

export interface ClickWorldOptions {
  users: number;
  items: number;
  categories: number;
  seed: number;
  /** The simulation's start (ms); items were created in the 60 days before it. */
  start: number;
  positionBias: number;
  baseLogit: number;
  freshness: number;
  eveningPopularity: number;
}

export const DEFAULT_CLICK_WORLD: ClickWorldOptions = {
  users: 400,
  items: 600,
  categories: 10,
  seed: 20250101,
  start: Date.UTC(2025, 0, 1),
  positionBias: 1,
  baseLogit: -1.5,
  freshness: 1.2,
  eveningPopularity: 0.8,
};

const DAY = 86_400_000;

export class ClickWorld {
  readonly o: ClickWorldOptions;
  readonly itemIds: string[];
  readonly userIds: string[];
  readonly itemAttributes: ItemAttributes[];
  /** Relative popularity prior (Zipf over a random order of items). */
  readonly prior: Float64Array;
  readonly quality: Float64Array;
  /** users × categories, each row summing to 1. */
  readonly taste: Float64Array;
  private readonly popularityZ: Float64Array;
  private readonly mainCategory: Int32Array;
  private readonly index = new Map<string, number>();

  constructor(options: Partial<ClickWorldOptions> = {}) {
    const o = (this.o = { ...DEFAULT_CLICK_WORLD, ...options });
    const rng = new Rng(o.seed);
    const C = o.categories;
    this.itemIds = Array.from({ length: o.items }, (_, i) => `item${i}`);
    this.userIds = Array.from({ length: o.users }, (_, u) => `user${u}`);
    this.itemIds.forEach((id, i) => this.index.set(id, i));
    const order = rng.shuffle(Int32Array.from({ length: o.items }, (_, i) => i));
    this.prior = new Float64Array(o.items);
    order.forEach((i, r) => (this.prior[i] = 1 / Math.pow(r + 1, 0.9)));
    const logPop = Array.from(this.prior, (p) => Math.log(p));
    const mean = logPop.reduce((s, x) => s + x, 0) / o.items;
    const sd = Math.sqrt(logPop.reduce((s, x) => s + (x - mean) ** 2, 0) / o.items);
    this.popularityZ = Float64Array.from(logPop, (x) => (x - mean) / sd);
    this.quality = Float64Array.from({ length: o.items }, () => 0.5 * rng.normal());
    this.mainCategory = Int32Array.from({ length: o.items }, () => rng.int(C));
    this.itemAttributes = this.itemIds.map((_, i) => {
      const main = this.mainCategory[i]!;
      const categories = [`c${main}`];
      if (rng.next() < 0.3) categories.push(`c${(main + 1 + rng.int(C - 1)) % C}`);
      return { kind: 'item', categories, tags: [], numeric: {}, createdAt: o.start - rng.next() * 60 * DAY, hidden: false };
    });
    this.taste = new Float64Array(o.users * C);
    for (let u = 0; u < o.users; u++) {
      const main = rng.int(C);
      const second = (main + 1 + rng.int(C - 1)) % C;
      for (let c = 0; c < C; c++) this.taste[u * C + c] = c === main ? 0.6 : c === second ? 0.3 : 0.1 / (C - 2);
    }
  }

  readonly attributes: AttributeLookup = (id) => {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.itemAttributes[i];
  };

  itemIndex(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** How much user u likes item i regardless of context: log(C · taste of its main category) + quality. */
  affinity(u: number, i: number): number {
    const C = this.o.categories;
    return Math.log(C * this.taste[u * C + this.mainCategory[i]!]!) + this.quality[i]!;
  }

  /** P(click | examined) for user u, item i at time `now`. */
  attraction(u: number, i: number, now: number): number {
    const ageDays = Math.max(0, now - this.itemAttributes[i]!.createdAt) / DAY;
    const hour = new Date(now).getUTCHours();
    const evening = hour >= 18 ? this.o.eveningPopularity * this.popularityZ[i]! : 0;
    const logit = this.o.baseLogit + this.affinity(u, i) + this.o.freshness * Math.exp(-ageDays / 7) + evening;
    return 1 / (1 + Math.exp(-logit));
  }

  /** P(examined) at 0-based position p. */
  examination(position: number): number {
    return 1 / Math.pow(1 + position, this.o.positionBias);
  }

  /** n distinct items drawn with probability ∝ prior · exp(affinity): a user's past. */
  sampleHistory(u: number, n: number, rng: Rng): number[] {
    const w = Float64Array.from(this.prior, (p, i) => p * Math.exp(this.affinity(u, i)));
    const out: number[] = [];
    let total = w.reduce((s, x) => s + x, 0);
    for (let k = 0; k < Math.min(n, w.length); k++) {
      let x = rng.next() * total;
      let i = 0;
      while (i < w.length - 1 && (x >= w[i]! || w[i] === 0)) x -= w[i++]!;
      out.push(i);
      total -= w[i]!;
      w[i] = 0;
    }
    return out;
  }
}

/**
 * NDCG@k of a ranking with graded gains = each item's true attraction (the expected gain of
 * a fully examined list), against the best order of the same candidates.
 */
export function trueNdcg(gains: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  const n = gains.length;
  const byScore = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const ideal = Array.from(gains).sort((a, b) => b - a);
  let dcg = 0;
  let idcg = 0;
  for (let r = 0; r < Math.min(k, n); r++) {
    dcg += gains[byScore[r]!]! / Math.log2(r + 2);
    idcg += ideal[r]! / Math.log2(r + 2);
  }
  return idcg > 0 ? dcg / idcg : 0;
}
