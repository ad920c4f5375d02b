import type { IdIndex } from '../../core/index.js';
import type { ScoredList } from '../../math/index.js';
import type { UserQuery } from '../types.js';
import { ItemFactors } from './item-factors.js';
import type { KnownUsers } from './known-users.js';

/**
 * What the factor models (iALS, BPR) share: scores are user vector · item factors (+ bias);
 * a query for a stored training user uses the stored vector, any other query is folded in by
 * the subclass's own rule.
 */
export abstract class FactorModel {
  protected readonly itemFactors: ItemFactors;
  protected readonly userVector: Float64Array;
  /** The training users and their rows' fingerprints (null for a model stored without them). */
  knownUsers: KnownUsers | null = null;

  protected constructor(
    readonly items: IdIndex,
    readonly factors: number,
    readonly userCount: number,
    /** userCount × factors, row-major. */
    readonly userFactors: Float32Array,
    /** items.size × factors, row-major. */
    readonly itemFactorMatrix: Float32Array,
    itemBias: Float32Array | null,
  ) {
    this.itemFactors = new ItemFactors(itemFactorMatrix, items.size, factors, itemBias);
    this.userVector = new Float64Array(factors);
  }

  /** The vector of a user the model has not stored, from the query's history alone. */
  protected abstract foldInQuery(query: UserQuery): Float64Array;

  scoreUser(query: UserQuery, out: Float32Array): void {
    this.itemFactors.score(this.userVectorFor(query), out);
  }

  similarItems(item: number, k: number): ScoredList {
    return this.itemFactors.similarItems(item, k);
  }

  explain(query: UserQuery, item: number): number {
    return this.itemFactors.mostSimilar(query.items, item);
  }

  /** The user's stored row when the query's history is exactly their training row, else −1. */
  userRow(user: string, query: UserQuery): number {
    const u = this.knownUsers?.rowOf(user, query.items, query.weights) ?? -1;
    return u < this.userCount ? u : -1;
  }

  /** The stored vector of a known user, else the fold-in of the query's history. */
  userVectorFor(query: UserQuery): Float64Array {
    const k = this.factors;
    const u = query.user;
    if (u >= 0 && u < this.userCount) {
      for (let t = 0; t < k; t++) this.userVector[t] = this.userFactors[u * k + t]!;
      return this.userVector;
    }
    return this.foldInQuery(query);
  }
}
