import { DeliverPolicy } from 'nats';
import type { Consumer, JetStreamClient } from 'nats';
import type { FeedbackEvent } from '../../core/index.js';
import type { LogRecord } from '../../ports/index.js';

/**
 * A kept consumer idle this long is recreated rather than risk reusing one the server dropped:
 * the client creates ordered consumers with a 5-minute inactive threshold (and, in nats 2.29,
 * ignores a caller's threshold when a start seq is given), so consumers are deleted explicitly.
 */
const REUSE_WITHIN_MS = 60_000;

const decoder = new TextDecoder();

/**
 * Reads a stream by position through JetStream ordered consumers: ephemeral, flow-controlled,
 * starting at the seq asked for. Measured here against one direct get per record: 10,000
 * records in ~0.15 s instead of ~1 s.
 *
 * A consumer loop reads where its previous read ended, so the reader keeps its consumer between
 * calls and simply fetches again; a read from anywhere else (or while another read is running)
 * gets a consumer of its own. Creating one per read would cost a round trip each time and leave
 * the server a consumer per read until it expires.
 */
export class StreamReader {
  private cursor: { consumer: Consumer; next: number; usedAt: number } | undefined;
  private busy = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly fetchExpiresMs: number,
  ) {}

  /** The `count` records from seq `from` on; the caller knows that many exist. */
  async read(from: number, count: number): Promise<LogRecord[]> {
    if (this.busy) {
      const consumer = await this.open(from);
      try {
        return await this.fetch(consumer, count);
      } finally {
        consumer.delete().catch(() => undefined);
      }
    }
    this.busy = true;
    try {
      let cursor = this.cursor;
      if (cursor === undefined || cursor.next !== from || Date.now() - cursor.usedAt > REUSE_WITHIN_MS) {
        this.dropCursor();
        cursor = this.cursor = { consumer: await this.open(from), next: from, usedAt: 0 };
      }
      const records = await this.fetch(cursor.consumer, count);
      const last = records[records.length - 1];
      if (last !== undefined) cursor.next = last.seq + 1;
      cursor.usedAt = Date.now();
      return records;
    } catch (err) {
      this.dropCursor(); // its position is unknown now
      throw err;
    } finally {
      this.busy = false;
    }
  }

  /** Deletes the kept consumer (best effort: the server drops it by itself later anyway). */
  async close(): Promise<void> {
    const cursor = this.cursor;
    this.cursor = undefined;
    await cursor?.consumer.delete().catch(() => undefined);
  }

  private open(from: number): Promise<Consumer> {
    return this.js.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    });
  }

  private async fetch(consumer: Consumer, count: number): Promise<LogRecord[]> {
    const messages = await consumer.fetch({ max_messages: count, expires: this.fetchExpiresMs });
    const records: LogRecord[] = [];
    for await (const message of messages) {
      records.push({ seq: message.seq, event: JSON.parse(decoder.decode(message.data)) as FeedbackEvent });
      if (records.length === count) break;
    }
    return records;
  }

  private dropCursor(): void {
    this.cursor?.consumer.delete().catch(() => undefined);
    this.cursor = undefined;
  }
}
