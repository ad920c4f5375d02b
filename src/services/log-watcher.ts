import type { EventLog } from '../ports/index.js';

/**
 * Follows the event log from where it stands when started and reports the users of events that
 * have been applied to the store (up to the store consumer's committed offset — reporting them
 * on append would let a list be recomputed, and cached, without the event): how every server
 * process learns that a user acted, whichever process ingested the event, so its cached lists
 * for that user are dropped (a couple of indexed log reads per poll, not store reads per
 * request). Keeps its position in memory only.
 */
export class LogWatcher {
  private position = -1;

  constructor(
    private readonly log: EventLog,
    private readonly onUsers: (users: ReadonlySet<string>) => void,
    /** The consumer whose committed offset marks what is applied. */
    private readonly consumer = 'store',
  ) {}

  /** Reads what was appended since the last poll (the first poll only finds the head). */
  async poll(): Promise<void> {
    const applied = await this.log.committed(this.consumer);
    if (this.position < 0) {
      this.position = applied;
      return;
    }
    while (this.position < applied) {
      const records = (await this.log.read(this.position, 10_000)).filter((r) => r.seq <= applied);
      if (records.length === 0) return;
      this.position = records[records.length - 1]!.seq;
      this.onUsers(new Set(records.map((r) => r.event.user)));
    }
  }
}
