import type { FeedbackEvent } from '../../core/index.js';
import type { EventLog, LogRecord } from '../../ports/index.js';
import { requireNonNegativeInteger, requirePositiveInteger, storeClosedError } from '../shared/index.js';

/**
 * EventLog in process memory. Not durable, of course: for tests and for engines created with
 * storage 'memory', where losing everything on exit is the documented trade.
 */
export class MemoryEventLog implements EventLog {
  /** records[i] has seq i + 1: seqs are dense because nothing is ever removed. */
  private readonly records: LogRecord[] = [];
  private readonly offsets = new Map<string, number>();
  private closed = false;

  async append(events: FeedbackEvent[]): Promise<{ first: number; last: number }> {
    this.assertOpen();
    const first = this.records.length + 1;
    for (const event of events) this.records.push({ seq: this.records.length + 1, event: structuredClone(event) });
    return { first, last: this.records.length };
  }

  async read(after: number, limit: number): Promise<LogRecord[]> {
    this.assertOpen();
    requireNonNegativeInteger('after', after);
    requirePositiveInteger('limit', limit);
    return structuredClone(this.records.slice(after, after + limit));
  }

  async committed(consumer: string): Promise<number> {
    this.assertOpen();
    return this.offsets.get(consumer) ?? 0;
  }

  async commit(consumer: string, seq: number): Promise<void> {
    this.assertOpen();
    requireNonNegativeInteger('seq', seq);
    this.offsets.set(consumer, seq);
  }

  async head(): Promise<number> {
    this.assertOpen();
    return this.records.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('event log');
  }
}
