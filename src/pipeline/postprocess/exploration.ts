import { Rng } from '../../core/index.js';

/**
 * Draws exploration items in a seeded random order: a lazy forward Fisher–Yates shuffle, so
 * the k-th draw depends only on the seed and the pool (never on how many are drawn in all),
 * which keeps pages of one ordering consistent. The pool is sorted by id first, so the draw
 * does not depend on the order candidates arrived in either. Uniform, not score-weighted: the
 * point of the slot is to show items the ranker has too little evidence to place.
 */
export class ExplorationDraw {
  private readonly pool: number[];
  private readonly rng: Rng;
  private drawn = 0;

  /** @param pool item indices eligible for exploration, @param ids id per item index */
  constructor(pool: readonly number[], ids: readonly string[], seed: number) {
    this.pool = [...pool].sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    this.rng = new Rng(seed);
  }

  /** The next item index, or undefined when the pool is used up. */
  next(): number | undefined {
    const p = this.pool;
    if (this.drawn >= p.length) return undefined;
    const j = this.drawn + this.rng.int(p.length - this.drawn);
    const picked = p[j]!;
    p[j] = p[this.drawn]!;
    p[this.drawn] = picked;
    this.drawn++;
    return picked;
  }
}
