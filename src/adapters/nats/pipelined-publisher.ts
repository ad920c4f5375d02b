import { createInbox, headers } from 'nats';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { MagpieError } from '../../core/index.js';
import { natsUnavailable, translateNatsError, WRONG_LAST_SEQUENCE } from './nats-errors.js';

/** How one run of publishes ended. */
export type RunOutcome =
  | { kind: 'stored' }
  /** Some message's expected-sequence check failed: another writer got in; retry the whole run. */
  | { kind: 'conflict' };

interface PendingRun {
  remaining: number;
  conflict: boolean;
  failure: MagpieError | undefined;
  /** Every ack must carry exactly the seq its message was fenced to. */
  expectedFirst: number;
  finish: (outcome: RunOutcome | MagpieError) => void;
}

/**
 * Publishes a run of messages to JetStream without waiting for each ack before sending the next,
 * and resolves once every ack has arrived. It writes the core protocol itself (one wildcard
 * inbox subscription, a reply subject per message) because `js.publish` sets up a request per
 * message: measured here, 10,000 pipelined `js.publish` calls took ~1.5 s, this ~0.26 s.
 *
 * Each message carries Nats-Expected-Last-Sequence = the seq just before it, so the server stores
 * message i only at seq first + i. That fence is what makes a run's seqs contiguous even if some
 * other writer ignores (or outlived) the append lock: the first message that would land after a
 * stranger's is refused, and the caller retries the run.
 */
export class PipelinedPublisher {
  private readonly inbox = createInbox();
  private readonly subscription: Subscription;
  private readonly runs = new Map<number, PendingRun>();
  private nextRun = 1;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly subject: string,
    private readonly timeoutMs: number,
  ) {
    this.subscription = nc.subscribe(`${this.inbox}.>`, { callback: (_err, msg) => this.onAck(msg) });
  }

  /**
   * Publishes payloads[i] fenced to land at seq lastSeq + 1 + i. Resolves 'stored' when all were
   * stored there, 'conflict' when a fence failed (some prefix may be stored: see the log's doc),
   * and rejects UNAVAILABLE when acks do not all arrive within the timeout.
   */
  publish(payloads: readonly Uint8Array[], lastSeq: number): Promise<RunOutcome> {
    const id = this.nextRun++;
    return new Promise<RunOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        run.finish(natsUnavailable('append', new Error(`no JetStream ack within ${this.timeoutMs} ms`)));
      }, this.timeoutMs);
      const run: PendingRun = {
        remaining: payloads.length,
        conflict: false,
        failure: undefined,
        expectedFirst: lastSeq + 1,
        finish: (outcome) => {
          clearTimeout(timer);
          this.runs.delete(id);
          if (outcome instanceof MagpieError) reject(outcome);
          else resolve(outcome);
        },
      };
      this.runs.set(id, run);
      try {
        payloads.forEach((payload, i) => {
          const h = headers();
          h.set('Nats-Expected-Last-Sequence', String(lastSeq + i));
          h.set('Nats-Expected-Stream', this.stream);
          this.nc.publish(this.subject, payload, { reply: `${this.inbox}.${id}.${i}`, headers: h });
        });
      } catch (err) {
        run.finish(translateNatsError('append', err));
      }
    });
  }

  /**
   * Fails every run still waiting for acks (the connection dropped: they would only time out).
   * Messages already sent may still be stored; the caller's retry then duplicates them, which
   * consumers absorb by applying by event id.
   */
  failPending(reason: string): void {
    for (const run of [...this.runs.values()]) run.finish(natsUnavailable('append', new Error(reason)));
  }

  /** Stops listening; runs still waiting fail UNAVAILABLE. */
  close(): void {
    this.failPending('log closed');
    this.subscription.unsubscribe();
  }

  private onAck(msg: Msg): void {
    const [runId, index] = msg.subject.slice(this.inbox.length + 1).split('.').map(Number);
    const run = this.runs.get(runId ?? 0);
    if (run === undefined || index === undefined) return; // a late ack of a run that timed out
    const problem = this.checkAck(msg, run.expectedFirst + index);
    if (problem === 'conflict') run.conflict = true;
    else if (problem !== undefined) run.failure ??= problem;
    if (--run.remaining > 0) return;
    if (run.failure !== undefined) run.finish(run.failure);
    else run.finish(run.conflict ? { kind: 'conflict' } : { kind: 'stored' });
  }

  /** undefined when the message was stored at the seq it was fenced to. */
  private checkAck(msg: Msg, expectedSeq: number): 'conflict' | MagpieError | undefined {
    // No JetStream stream listens on the subject (or JetStream is down): a 503 status reply.
    if (msg.headers?.code === 503) return natsUnavailable('append', new Error('no JetStream responders'));
    let ack: { stream?: string; seq?: number; error?: { err_code?: number; description?: string } };
    try {
      ack = JSON.parse(new TextDecoder().decode(msg.data)) as typeof ack;
    } catch (err) {
      return new MagpieError('STORAGE_FAILED', 'JetStream sent an unreadable ack', undefined, { cause: err });
    }
    if (ack.error !== undefined) {
      if (ack.error.err_code === WRONG_LAST_SEQUENCE) return 'conflict';
      return new MagpieError('STORAGE_FAILED', `JetStream refused an append: ${ack.error.description ?? 'unknown'}`, ack.error);
    }
    if (ack.stream !== this.stream || ack.seq !== expectedSeq) {
      return new MagpieError('STORAGE_FAILED', `JetStream stored an append at ${ack.stream}#${ack.seq}, not ${this.stream}#${expectedSeq}`);
    }
    return undefined;
  }
}
