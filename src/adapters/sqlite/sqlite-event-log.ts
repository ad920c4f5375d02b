import type Database from 'better-sqlite3';
import type { Clock, FeedbackEvent } from '../../core/index.js';
import type { EventLog, LogRecord } from '../../ports/index.js';
import { requireNonNegativeInteger, requirePositiveInteger } from '../shared/index.js';
import type { ConnectionLease } from './connection.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/**
 * The durable feedback log on SQLite. append commits one IMMEDIATE transaction for the whole
 * batch; with synchronous = FULL (see connection.ts) the commit has reached the disk before the
 * promise resolves, so an acknowledged append survives kill -9 and power loss.
 */
export class SqliteEventLog implements EventLog {
  private readonly insertRecord: Statement<[string, number]>;
  private readonly recordsAfter: Statement<[number, number], { seq: number; payload: string }>;
  private readonly selectOffset: Statement<[string], number>;
  private readonly upsertOffset: Statement<[string, number]>;
  private readonly selectHead: Statement<[], number>;
  private readonly appendBatch: Database.Transaction<(events: FeedbackEvent[]) => { first: number; last: number }>;

  constructor(
    private readonly lease: ConnectionLease,
    private readonly clock: Clock,
  ) {
    const db = lease.db;
    this.insertRecord = db.prepare('INSERT INTO event_log (payload, appended_at) VALUES (?, ?)');
    this.recordsAfter = db.prepare('SELECT seq, payload FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectOffset = db.prepare<[string], number>('SELECT seq FROM log_offsets WHERE consumer = ?').pluck();
    this.upsertOffset = db.prepare(
      'INSERT INTO log_offsets (consumer, seq) VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq',
    );
    // MAX over the primary key is one index probe. (If retention ever deletes old records,
    // keep at least the newest one, or read sqlite_sequence instead.)
    this.selectHead = db.prepare<[], number>('SELECT COALESCE(MAX(seq), 0) FROM event_log').pluck();
    this.appendBatch = db.transaction((events: FeedbackEvent[]) => {
      const appendedAt = this.clock.now();
      // The IMMEDIATE transaction holds the write lock, so the seqs of one batch are contiguous.
      let first = 0;
      let last = 0;
      for (const event of events) {
        last = Number(this.insertRecord.run(JSON.stringify(event), appendedAt).lastInsertRowid);
        if (first === 0) first = last;
      }
      return { first, last };
    });
  }

  async append(events: FeedbackEvent[]): Promise<{ first: number; last: number }> {
    return this.lease.run('append', () => {
      if (events.length === 0) {
        const head = this.selectHead.get() ?? 0;
        return { first: head + 1, last: head };
      }
      return this.appendBatch.immediate(events);
    });
  }

  async read(after: number, limit: number): Promise<LogRecord[]> {
    return this.lease.run('read', () => {
      requireNonNegativeInteger('after', after);
      requirePositiveInteger('limit', limit);
      return this.recordsAfter
        .all(after, limit)
        .map((row) => ({ seq: row.seq, event: JSON.parse(row.payload) as FeedbackEvent }));
    });
  }

  async committed(consumer: string): Promise<number> {
    return this.lease.run('committed', () => this.selectOffset.get(consumer) ?? 0);
  }

  async commit(consumer: string, seq: number): Promise<void> {
    this.lease.run('commit', () => {
      requireNonNegativeInteger('seq', seq);
      this.upsertOffset.run(consumer, seq);
    });
  }

  async head(): Promise<number> {
    return this.lease.run('head', () => this.selectHead.get() ?? 0);
  }

  async close(): Promise<void> {
    this.lease.close();
  }
}
