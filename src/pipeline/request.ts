/** A recommendation request after validation. */
export interface RecommendRequest {
  n: number;
  offset: number;
  /** Only items in this category. */
  category?: string | undefined;
  /** Never these items. */
  exclude?: ReadonlySet<string> | undefined;
}

export interface RecommendedItem {
  id: string;
  score: number;
  /** Which candidate source produced it: the main algorithm's name, popular, trending, latest. */
  source: string;
  /** Why, in words a user would understand. */
  reason: string;
}
