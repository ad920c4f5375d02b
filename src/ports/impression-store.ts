/** One item of a served list, as the user was shown it. */
export interface ImpressionItem {
  item: string;
  /** 0-based position in the list as served (after any offset: page 2 starts at `offset`). */
  position: number;
  /** The candidate source that explains the item (collaborative, trending, fresh…). */
  source: string;
  score: number;
  /** The ranking features of the item for this request, in the ranker's feature order. */
  features?: number[] | undefined;
}

/** One served list: what the engine showed, to whom, where and when. */
export interface Impression {
  requestId: string;
  user: string;
  surface: string;
  /** The experiment variant the user was bucketed into, if any. */
  variant?: string | null | undefined;
  /** ms since the epoch. */
  time: number;
  items: ImpressionItem[];
  /**
   * The request id of an earlier logged impression whose list this one shows again, the same
   * items at the same positions (a response served from the results cache). Its items may come
   * without features; readers (scanLabelled) give back the earlier list's. Adapters may store
   * such an impression as a reference to the earlier one, which keeps logging cached responses
   * cheap; a repeat of a list that was never stored then reads back as empty.
   */
  repeats?: string | undefined;
}

/** A positive event to attribute to what was shown (a click or purchase after an impression). */
export interface Outcome {
  user: string;
  item: string;
  /** The feedback type (click, purchase…). */
  type: string;
  time: number;
  /** The request id the client echoed back, when it did: attributed to exactly that list. */
  requestId?: string | undefined;
}

export type CtrDimension = 'surface' | 'source' | 'variant';

export interface CtrQuery {
  by: CtrDimension;
  /** Impressions served at or after this time (ms). */
  from?: number | undefined;
  /** Impressions served before this time (ms). */
  to?: number | undefined;
  /** Only this surface. */
  surface?: string | undefined;
}

export interface CtrRow {
  /** The value of the grouping dimension ('' for impressions without a variant). */
  key: string;
  /** Items shown. */
  impressions: number;
  /** Shown items that an outcome was attributed to. */
  clicks: number;
  ctr: number;
}

/** A shown item with its outcome: one row of ranker training data. */
export interface LabelledImpression extends ImpressionItem {
  requestId: string;
  user: string;
  surface: string;
  variant: string | null;
  time: number;
  /** The outcome type attributed to this item, or null when it was not acted on. */
  outcome: string | null;
}

/**
 * Impressions (served lists) and their attributed outcomes: the online side of measurement and
 * the training data of the learned ranker. An outcome is attributed to the impression it names by
 * request id; without one, to the newest impression of that item for that user within the
 * attribution window before the outcome. Each shown item counts at most one outcome (the first).
 */
export interface ImpressionStore {
  /** Stores lists; a request id already stored is ignored (a list is logged once). */
  appendImpressions(batch: Impression[]): Promise<void>;
  /** Attributes each outcome; returns how many found an impression. */
  attributeOutcomes(outcomes: Outcome[], windowMs: number): Promise<{ attributed: number }>;
  /** Click-through rate grouped by one dimension, largest group first. */
  ctr(q: CtrQuery): Promise<CtrRow[]>;
  /** Every shown item served in [from, to), with its outcome, in batches (ranker training, replay). */
  scanLabelled(opts: { from?: number | undefined; to?: number | undefined; batchSize: number }): AsyncIterable<LabelledImpression[]>;
  close(): Promise<void>;
}
