/**
 * The domain model. Timestamps inside the engine are milliseconds since the Unix epoch;
 * the HTTP layer converts them to and from ISO-8601 strings.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface User {
  id: string;
  attributes: JsonObject;
  createdAt: number;
}

export interface Item {
  id: string;
  /** Free-form kind: movie, product, song, article… */
  kind: string;
  title: string;
  text: string;
  categories: string[];
  tags: string[];
  /** Numeric attributes (price, duration, year…). */
  numeric: Record<string, number>;
  /** Optional caller-supplied embedding. */
  embedding: number[] | null;
  createdAt: number;
  /** Hidden items are never recommended. */
  hidden: boolean;
}

export interface FeedbackEvent {
  /** Idempotency key: a second event with the same id is ignored. */
  id: string;
  user: string;
  item: string;
  type: string;
  value: number | null;
  timestamp: number;
  context: JsonObject | null;
}

/** What a feedback type means for training and serving. */
export type FeedbackRole = 'positive' | 'negative' | 'seen';

export interface FeedbackTypeConfig {
  role: FeedbackRole;
  /** Contribution of one event of this type to the user–item interaction strength. */
  weight: number;
  /** When set, events whose value is below it count as negative (e.g. ratings below 3). */
  minValue?: number | undefined;
  /** Multiply the weight by the event's value (e.g. dwell seconds, rating). */
  scaleByValue?: boolean | undefined;
}

export type FeedbackTypes = Record<string, FeedbackTypeConfig>;

export interface Page<T> {
  items: T[];
  next: string | null;
}
