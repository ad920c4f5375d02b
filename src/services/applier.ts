import type { Clock, FeedbackEvent } from '../core/index.js';
import type { DataStore, EventLog } from '../ports/index.js';

export interface ApplierOptions {
  consumer: string;
  batchSize: number;
  clock: Clock;
  /**
   * Called after each applied batch (catalogue updates, cache invalidation…). A promise is
   * awaited before the next batch, so a drain (and the ingest waiting on it) ends after it.
   */
  onApplied?: (events: readonly FeedbackEvent[]) => void | Promise<void>;
}

/**
 * Moves events from the log into the data store. Applying is idempotent by event id and the
 * offset is committed after the store write, so a crash anywhere re-applies at most a batch
 * that the store then ignores: every logged event is applied exactly once in effect.
 * Drains are serialised: concurrent callers share one run.
 */
export class LogApplier {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly log: EventLog,
    private readonly store: DataStore,
    private readonly opts: ApplierOptions,
  ) {}

  /** Applies everything appended so far; resolves with the seq applied up to. */
  drain(): Promise<number> {
    if (this.running) {
      // Someone appended while a drain runs: make sure that run goes round once more.
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async lag(): Promise<number> {
    return (await this.log.head()) - (await this.log.committed(this.opts.consumer));
  }

  private async run(): Promise<number> {
    let offset = await this.log.committed(this.opts.consumer);
    do {
      this.again = false;
      for (;;) {
        const records = await this.log.read(offset, this.opts.batchSize);
        if (records.length === 0) break;
        const events = records.map((r) => r.event);
        await this.store.insertEvents(events, { createMissing: true, now: this.opts.clock.now() });
        offset = records[records.length - 1]!.seq;
        await this.log.commit(this.opts.consumer, offset);
        await this.opts.onApplied?.(events);
      }
    } while (this.again);
    return offset;
  }
}
