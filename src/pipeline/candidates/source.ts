import type { Model } from '../../algorithms/index.js';
import type { IdIndex } from '../../core/index.js';
import type { AttributeLookup, Candidate, ItemAttributes } from '../candidate.js';
import type { UserHistory } from '../history.js';
import type { ModelSet } from '../serving-models.js';

/** What every candidate source may read for one request. */
export interface SourceInput {
  user: string;
  history: UserHistory;
  models: ModelSet;
  /** Item attributes (categories, createdAt, hidden…), from memory. */
  attributes: AttributeLookup;
  /** A display name for reasons. */
  title: (id: string) => string;
  /** Newest visible items first, with their attributes (the fresh source reads its head). */
  newest: () => readonly NewestItem[];
  now: number;
  /** The item page's item (surface `item`), if any. */
  anchor?: string | undefined;
  /** Categories the user chose at onboarding (cold start), if any. */
  preferredCategories?: readonly string[] | undefined;
  /** Items the source must not propose (seen, disliked, hidden, excluded…): checked before scoring. */
  blocked: (id: string) => boolean;
  /**
   * The user's part of `blocked` alone (disliked, seen), for items already known to be
   * recommendable (the visible newest items); sources fall back to `blocked` without it.
   */
  blockedForUser?: ((id: string) => boolean) | undefined;
  /**
   * The same check by item index of a model (`ids` its item index), for sources that test many
   * items of one model (retrieval); sources fall back to `blocked` without it.
   */
  blockedIndex?: ((ids: IdIndex) => (i: number) => boolean) | undefined;
  /** Attributes by item index of a model (`ids` its item index); sources then attach them. */
  attributesIndex?: ((ids: IdIndex) => readonly (ItemAttributes | undefined)[]) | undefined;
}

export interface NewestItem extends ItemAttributes {
  readonly id: string;
}

/** One way of proposing items. Each proposes at most `limit`, best first, with its own scores. */
export interface CandidateSource {
  readonly name: string;
  generate(input: SourceInput, limit: number): Candidate[];
  /**
   * This source's scores for given items (re-ranking a caller's list), undefined where it has
   * none. Sources without it are asked to generate and their proposals among the items are used.
   */
  scoreItems?(input: SourceInput, ids: readonly string[]): (number | undefined)[];
}

export function candidate(id: string, source: string, score: number, reason: string, attrs?: ItemAttributes): Candidate {
  return { id, sourceScores: { [source]: score }, source, reason, score, attrs };
}

/** The model serving a role, or undefined. */
export function modelOf(input: SourceInput, role: string): Model | undefined {
  return input.models.get(role)?.model;
}
