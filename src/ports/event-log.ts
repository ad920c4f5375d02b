import type { FeedbackEvent } from '../core/index.js';

export interface LogRecord {
  /** Position in the log, strictly increasing from 1. */
  seq: number;
  event: FeedbackEvent;
}

/**
 * The durable, append-only feedback log. Ingest appends first and answers only once append
 * has resolved (so an acknowledged event survives a crash); consumers then read from their
 * committed offset and apply. Applying is idempotent by event id, so a crash between apply and
 * commit re-applies nothing twice.
 */
export interface EventLog {
  /**
   * Appends durably; resolves with the seq of the first and last record written. An empty
   * batch writes nothing and resolves with the empty range { first: head + 1, last: head }.
   */
  append(events: FeedbackEvent[]): Promise<{ first: number; last: number }>;
  /** Up to `limit` records with seq > after, in order. */
  read(after: number, limit: number): Promise<LogRecord[]>;
  /** The last seq the consumer has committed (0 when it never committed). */
  committed(consumer: string): Promise<number>;
  /** Sets the consumer's offset; a lower seq than before rewinds it (for replays). */
  commit(consumer: string, seq: number): Promise<void>;
  /** The seq of the last record (0 when empty). */
  head(): Promise<number>;
  close(): Promise<void>;
}
