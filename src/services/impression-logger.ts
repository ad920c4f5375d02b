import { roleOf, type FeedbackEvent, type FeedbackTypes } from '../core/index.js';
import type { Impression, ImpressionStore, Outcome } from '../ports/index.js';

export interface ImpressionLoggerOptions {
  /** Flush at least this often (ms). */
  flushMs: number;
  /** Flush at once when this many shown items are waiting. */
  maxItems: number;
  /**
   * Lists written per store call; the logger yields to the event loop between calls, so a
   * flush never holds requests back for long (one call of 64 lists takes a few ms).
   */
  chunkLists?: number;
  onError?: (err: unknown) => void;
}

/**
 * Writes impressions in batches, off the request path: a response only queues its impression.
 * What is queued but not yet flushed is lost if the process dies — impressions are measurement,
 * not acknowledged user data — and close() flushes the rest. Outcomes are queued the same way
 * and attributed after the impressions they may refer to are written.
 */
export class ImpressionLogger {
  private impressions: Impression[] = [];
  private outcomes: Outcome[] = [];
  private queuedItems = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ImpressionStore,
    private readonly attributionWindowMs: number,
    private readonly opts: ImpressionLoggerOptions,
  ) {}

  log(impression: Impression): void {
    if (impression.items.length === 0) return;
    this.impressions.push(impression);
    this.queuedItems += impression.items.length;
    this.schedule();
  }

  outcome(outcomes: Outcome[]): void {
    if (outcomes.length === 0) return;
    this.outcomes.push(...outcomes);
    this.schedule();
  }

  /** Writes everything queued so far (tests and shutdown wait on it). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const impressions = this.impressions;
    const outcomes = this.outcomes;
    this.impressions = [];
    this.outcomes = [];
    this.queuedItems = 0;
    this.flushing = this.flushing.then(async () => {
      try {
        const chunk = Math.max(1, this.opts.chunkLists ?? 64);
        for (let i = 0; i < impressions.length; i += chunk) {
          if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
          await this.store.appendImpressions(impressions.slice(i, i + chunk));
        }
        if (outcomes.length > 0) await this.store.attributeOutcomes(outcomes, this.attributionWindowMs);
      } catch (err) {
        this.opts.onError?.(err);
      }
    });
    return this.flushing;
  }

  private schedule(): void {
    if (this.queuedItems >= this.opts.maxItems) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushMs);
      this.timer.unref();
    }
  }
}

/**
 * The positive events of a batch as outcomes to attribute; a client that echoes the request id
 * of the list it acted on (context.requestId) gets exact attribution.
 */
export function outcomesOf(events: readonly FeedbackEvent[], types: FeedbackTypes): Outcome[] {
  const out: Outcome[] = [];
  for (const e of events) {
    if (roleOf(e, types) !== 'positive') continue;
    const requestId = e.context?.['requestId'];
    out.push({ user: e.user, item: e.item, type: e.type, time: e.timestamp, ...(typeof requestId === 'string' ? { requestId } : {}) });
  }
  return out;
}
