import type { KV } from 'nats';
import { MagpieError } from '../../core/index.js';
import { isWrongLastSequence } from './nats-errors.js';

const FREE = 'free';

/**
 * A lease on one key of the log's KV bucket that writers of the same stream (in any process)
 * take before appending, so that their runs of messages do not interleave. Every change is a
 * compare-and-set on the key's revision.
 *
 * A holder that died leaves the key held; a waiter takes it over once it has seen the same
 * revision for leaseMs by its own clock (no clock comparison between machines). A live holder
 * renews (a new revision) every third of that from a timer, so however long a batch takes to
 * publish it keeps the lock. A holder that stalled past its lease and wakes up is still harmless:
 * every message it publishes is fenced by expected sequence, so its run is refused and retried
 * (see PipelinedPublisher).
 */
export class AppendLock {
  private revision = 0;
  private acquiring: Promise<unknown> | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private readonly owner = `held:${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly leaseMs: number,
    private readonly waitMs: number,
  ) {}

  get held(): boolean {
    return this.revision !== 0;
  }

  /**
   * Takes the lock, waiting (with backoff) while another writer holds it; UNAVAILABLE after
   * waitMs. A caller that gives up (NATS dropped) aborts the signal: the attempt then stops at
   * its next step and frees the lock if it got it, so no abandoned attempt holds it later.
   * Attempts run one at a time.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    const previous = this.acquiring ?? Promise.resolve();
    const attempt = previous.then(() => this.attemptAcquire(signal));
    this.acquiring = attempt.catch(() => undefined);
    return attempt;
  }

  private async attemptAcquire(signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    let seenRevision = -1;
    let seenAt = 0;
    let pause = 1;
    for (;;) {
      throwIfAborted(signal);
      const entry = await this.kv.get(this.key);
      throwIfAborted(signal);
      // Our own owner string means a release that never reached the server (NATS went away):
      // appends of one log run one at a time, so nothing of ours is using it now.
      const value = entry?.operation === 'PUT' ? entry.string() : FREE;
      const free = value === FREE || value === this.owner;
      const now = Date.now();
      if (entry !== null && entry.revision !== seenRevision) {
        seenRevision = entry.revision;
        seenAt = now;
      }
      const stale = !free && now - seenAt >= this.leaseMs;
      if (free || stale) {
        const revision = await this.compareAndSet(entry === null ? 0 : entry.revision);
        if (revision !== undefined) {
          this.revision = revision;
          if (signal?.aborted === true) {
            await this.release();
            throwIfAborted(signal);
          }
          clearInterval(this.keepAlive);
          this.keepAlive = setInterval(() => this.renew(), this.leaseMs / 3).unref();
          return;
        }
        pause = 1; // someone else won the race; look again at once
        continue;
      }
      if (now >= deadline) {
        throw new MagpieError('UNAVAILABLE', `the event log's append lock was held for over ${this.waitMs} ms`);
      }
      await sleep(pause * (0.5 + Math.random()));
      pause = Math.min(pause * 2, 50);
    }
  }

  /** Frees the lock if this writer still holds it. */
  async release(): Promise<void> {
    clearInterval(this.keepAlive);
    await this.renewing; // so that the revision freed is the latest one
    if (!this.held) return;
    const revision = this.revision;
    this.revision = 0;
    try {
      await this.kv.update(this.key, FREE, revision);
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err; // taken over meanwhile: nothing to free
    }
  }

  /** A new revision, restarting waiters' stale clocks; losing the key means another writer took it. */
  private renew(): void {
    if (!this.held || this.renewing !== undefined) return;
    this.renewing = this.compareAndSet(this.revision)
      .then((revision) => {
        if (revision === undefined) clearInterval(this.keepAlive);
        if (this.held) this.revision = revision ?? 0;
      })
      .catch(() => undefined) // NATS unreachable: try again next tick; fences keep runs safe meanwhile
      .finally(() => {
        this.renewing = undefined;
      });
  }

  /** Writes this owner at the given revision (0 = key absent); undefined when someone else moved it. */
  private async compareAndSet(revision: number): Promise<number | undefined> {
    try {
      return revision === 0 ? await this.kv.create(this.key, this.owner) : await this.kv.update(this.key, this.owner, revision);
    } catch (err) {
      if (isWrongLastSequence(err)) return undefined; // kv.create reports an existing key this way too
      throw err;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new MagpieError('UNAVAILABLE', 'gave up taking the append lock');
}
