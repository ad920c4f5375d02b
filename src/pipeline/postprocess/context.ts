import type { AttributeLookup, ItemAttributes } from '../candidate.js';
import type { CompiledExpression } from './expression-compile.js';
import type { SimilarityFactory } from './similarity.js';

/** What one request asks for on top of the surface's rules (query-string filters). */
export interface RequestFilters {
  /** Keep items in any of these categories. */
  categories?: readonly string[] | undefined;
  /** Keep items with any of these tags. */
  tags?: readonly string[] | undefined;
  /** Keep items matching this attribute expression (`?filter=`); a string is compiled here. */
  filter?: string | CompiledExpression | undefined;
  /** Never these items. */
  exclude?: ReadonlySet<string> | undefined;
}

/** Everything post-processing needs to know about one request, besides the surface's rules. */
export interface PostProcessContext {
  attributes: AttributeLookup;
  /** The request time in ms since the epoch (age_days, freshness). */
  now: number;
  /** Seeds the exploration draw; the caller passes a per-user-per-day seed so a page is stable for a day. */
  seed: number;
  /** The page: items [offset, offset + n) of the one ordering. */
  offset?: number | undefined;
  n: number;
  /** Items the user has seen; removed when excludeSeen is on (the default). */
  seen?: ReadonlySet<string> | undefined;
  excludeSeen?: boolean | undefined;
  /** Items the user disliked: always removed. */
  disliked?: ReadonlySet<string> | undefined;
  request?: RequestFilters | undefined;
  /** Stock/availability beyond `hidden` (ItemAttributes has no availability field); default: all available. */
  isAvailable?: ((id: string, attrs: ItemAttributes) => boolean) | undefined;
  /** Similarity used by MMR; default: Jaccard of categories + tags. */
  similarity?: SimilarityFactory | undefined;
}
