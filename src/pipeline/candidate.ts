/**
 * The unit that flows through a serving pipeline: candidate generation proposes items (each
 * tagged with the sources that proposed it and their scores), the ranker sets `score`, and
 * post-processing filters, re-scores and orders the list.
 */
export interface Candidate {
  /** Item id. */
  id: string;
  /** Score per candidate source that proposed the item (source name → that source's score). */
  sourceScores: Record<string, number>;
  /** The source whose reason is shown (the strongest proposer). */
  source: string;
  /** Why, in words a user would understand ("because you liked X", "trending in Y", "new in Z"). */
  reason: string;
  /** The ranking score: set by the ranker, adjusted by post-processing rules. Higher is better. */
  score: number;
  /** The ranker's feature row for this request (logged with the impression, for training). */
  features?: Float64Array | undefined;
  /** The item's attributes, when the source that proposed it had them at hand (saves a lookup). */
  attrs?: ItemAttributes | undefined;
}

/** What post-processing rules and ranking features may read about an item, from memory. */
export interface ItemAttributes {
  kind: string;
  categories: readonly string[];
  tags: readonly string[];
  /** Numeric attributes (price, year, duration…). */
  numeric: Readonly<Record<string, number>>;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  hidden: boolean;
}

/** Looks an item's attributes up; undefined for an unknown item. */
export type AttributeLookup = (id: string) => ItemAttributes | undefined;
