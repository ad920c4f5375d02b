/** What serving needs to know about items, answered from memory on the hot path. */
export interface ItemCatalog {
  /** Exists and is not hidden. */
  isRecommendable(id: string): boolean;
  hasCategory(id: string, category: string): boolean;
  /** A display name for reasons ("because you liked …"). */
  title(id: string): string | undefined;
  /** The item's first category, if any. */
  mainCategory(id: string): string | undefined;
}
