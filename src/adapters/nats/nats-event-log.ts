import { connect, StorageType } from 'nats';
import type { JetStreamClient, JetStreamManager, KV, NatsConnection } from 'nats';
import { MagpieError } from '../../core/index.js';
import type { FeedbackEvent } from '../../core/index.js';
import type { EventLog, LogRecord } from '../../ports/index.js';
import { requireNonNegativeInteger, requirePositiveInteger, storeClosedError } from '../shared/index.js';
import { AppendLock } from './append-lock.js';
import { ConnectionWatch } from './connection-watch.js';
import { natsUnavailable, translateNatsError } from './nats-errors.js';
import { PipelinedPublisher } from './pipelined-publisher.js';
import { StreamReader } from './stream-reader.js';
import { dropLogStream, ensureLogStream, logNames } from './log-stream.js';
import type { LogNames } from './log-stream.js';

export interface NatsEventLogOptions {
  /** The JetStream stream that holds this log: letters, digits, '-' and '_'. */
  stream: string;
  /** Stream and state replicas: 1 on a single server, 3 on a cluster to survive losing a node. */
  replicas?: number;
  /** How long a JetStream request, or the acks of one batch, may take before failing UNAVAILABLE. */
  timeoutMs?: number;
  /** The append lock's lease: how long a writer that died can hold up the others. */
  lockLeaseMs?: number;
}

/** What an open log works with (see openNatsEventLog). */
export interface NatsLogParts {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
  kv: KV;
  names: LogNames;
  timeoutMs: number;
  lockLeaseMs: number;
}

interface AppendJob {
  payloads: Uint8Array[];
  resolve: (range: { first: number; last: number }) => void;
  reject: (err: MagpieError) => void;
}

/** A run refused this often (other writers getting in despite the lock) gives up. */
const MAX_APPEND_ATTEMPTS = 8;

const encoder = new TextEncoder();

/**
 * The feedback log on a NATS JetStream stream (file storage). A record's seq is its stream
 * sequence, so readers page with plain stream positions and head() is the stream's last seq.
 *
 * Contiguous batches with several writers: JetStream (before 2.12) has no atomic multi-message
 * publish, so a batch's messages could interleave with another writer's. Writers therefore
 *  1. queue appends within a process and write them one run at a time (which also lets one lock
 *     acquisition cover every batch queued meanwhile);
 *  2. take an append lock (a compare-and-set lease in the log's KV bucket, see AppendLock) so
 *     writers in other processes wait instead of colliding;
 *  3. fence every message with Nats-Expected-Last-Sequence (see PipelinedPublisher), so that
 *     even a writer that lost its lease cannot land a message inside someone else's run: the
 *     run whose fence fails is retried whole, and only a run stored entirely is reported.
 * What (3) can leave behind is a prefix of a refused run: those records stay in the log (it is
 * append-only) and are re-appended by the retry. Consumers apply by event id, so a duplicate is
 * harmless; with the lock working this does not happen at all.
 *
 * append resolves after JetStream acknowledged every message (stored in the stream's file
 * store; the server's sync_interval, or replicas, decide when that also survives power loss).
 * Consumer offsets live in the same KV bucket as the lock, one key per consumer.
 */
export class NatsEventLog implements EventLog {
  private readonly connection: ConnectionWatch;
  private closing: Promise<void> | undefined;
  private readonly queue: AppendJob[] = [];
  private writing: Promise<void> | undefined;
  private readonly publisher: PipelinedPublisher;
  private readonly lock: AppendLock;
  private readonly reader: StreamReader;

  private readonly nc: NatsConnection;
  private readonly jsm: JetStreamManager;
  private readonly kv: KV;
  private readonly stream: string;
  private readonly timeoutMs: number;

  /** Use openNatsEventLog, which connects and makes sure the stream and bucket exist. */
  constructor(parts: NatsLogParts) {
    this.nc = parts.nc;
    this.jsm = parts.jsm;
    this.kv = parts.kv;
    this.timeoutMs = parts.timeoutMs;
    this.stream = parts.names.stream;
    this.publisher = new PipelinedPublisher(parts.nc, this.stream, parts.names.subject, parts.timeoutMs);
    this.lock = new AppendLock(parts.kv, 'append-lock', parts.lockLeaseMs, parts.lockLeaseMs * 2);
    this.reader = new StreamReader(parts.js, this.stream, Math.max(1_000, parts.timeoutMs));
    this.connection = new ConnectionWatch(parts.nc, () => this.publisher.failPending('the connection to NATS dropped'));
  }

  async append(events: FeedbackEvent[]): Promise<{ first: number; last: number }> {
    this.assertUsable('append');
    if (events.length === 0) {
      const head = await this.head();
      return { first: head + 1, last: head };
    }
    const maxPayload = this.nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
    const payloads = events.map((event) => {
      const bytes = encoder.encode(JSON.stringify(event));
      if (bytes.length > maxPayload - 512) {
        throw new MagpieError('PAYLOAD_TOO_LARGE', `event ${event.id} is larger than the NATS payload limit`);
      }
      return bytes;
    });
    return new Promise((resolve, reject) => {
      this.queue.push({ payloads, resolve, reject });
      this.startWriting();
    });
  }

  async read(after: number, limit: number): Promise<LogRecord[]> {
    this.assertUsable('read');
    requireNonNegativeInteger('after', after);
    requirePositiveInteger('limit', limit);
    return this.run('read', async () => {
      const { first_seq: firstSeq, last_seq: lastSeq } = (await this.jsm.streams.info(this.stream)).state;
      // Every seq up to the stream's last is stored (JetStream assigns seqs in storage order),
      // so asking for exactly this many never waits on messages that do not exist yet.
      const wanted = Math.min(limit, lastSeq - Math.max(after, firstSeq - 1));
      return wanted <= 0 ? [] : this.reader.read(Math.max(after + 1, firstSeq), wanted);
    });
  }

  async committed(consumer: string): Promise<number> {
    this.assertUsable('committed');
    return this.run('committed', async () => {
      const entry = await this.kv.get(offsetKey(consumer));
      return entry === null || entry.operation !== 'PUT' ? 0 : Number(entry.string());
    });
  }

  async commit(consumer: string, seq: number): Promise<void> {
    this.assertUsable('commit');
    requireNonNegativeInteger('seq', seq);
    await this.run('commit', () => this.kv.put(offsetKey(consumer), String(seq)));
  }

  async head(): Promise<number> {
    this.assertUsable('head');
    return this.run('head', async () => (await this.jsm.streams.info(this.stream)).state.last_seq);
  }

  /** Waits for queued appends, then drains the connection (closing it outright if NATS is gone). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writing?.catch(() => undefined);
      this.publisher.close();
      await this.connection.guard(() => this.reader.close()).catch(() => undefined);
      if (this.nc.isClosed()) return;
      if (!this.connection.connected) {
        await this.nc.close();
        return;
      }
      const drained = this.nc.drain().catch(() => this.nc.close());
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.timeoutMs).unref());
      await Promise.race([drained, timeout]);
      if (!this.nc.isClosed()) await this.nc.close();
    })();
    return this.closing;
  }

  private startWriting(): void {
    this.writing ??= this.writeQueued().finally(() => {
      this.writing = undefined;
    });
  }

  /** Writes every queued batch, one run at a time, under the append lock. */
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0);
      try {
        await this.takeLock();
        let knownLast: number | undefined;
        for (const job of jobs) {
          if (!this.connection.connected) throw natsUnavailable('append');
          try {
            knownLast = await this.writeRun(job, knownLast);
          } catch (err) {
            if (!(err instanceof MagpieError) || err.code !== 'STORAGE_FAILED') throw err;
            job.reject(err); // JetStream refused this batch alone; carry on with the others
            knownLast = undefined;
          }
        }
      } catch (err) {
        // Settled jobs ignore this; the rest fail with the cause (lock not acquired, NATS down).
        const error = translateNatsError('append', err);
        for (const job of jobs) job.reject(error);
      } finally {
        // release() runs even when NATS is down, so the lease stops being renewed at once; if the
        // key itself cannot be freed, this log reclaims it next time and others after the lease.
        const releasing = this.lock.release().catch(() => undefined);
        await this.connection.guard(() => releasing).catch(() => undefined);
      }
    }
  }

  /** Publishes one batch right after `knownLast` (or the stream's last seq); returns its last seq. */
  private async writeRun(job: AppendJob, knownLast: number | undefined): Promise<number> {
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      if (!this.lock.held) {
        // Lost to a takeover (this writer stalled past its lease): queue up again.
        await this.takeLock();
        knownLast = undefined;
      }
      const last = knownLast ?? (await this.connection.guard(() => this.jsm.streams.info(this.stream))).state.last_seq;
      const outcome = await this.connection.guard(() => this.publisher.publish(job.payloads, last));
      if (outcome.kind === 'stored') {
        job.resolve({ first: last + 1, last: last + job.payloads.length });
        return last + job.payloads.length;
      }
      knownLast = undefined; // another writer got in: look at the stream again and retry the run
    }
    throw new MagpieError('UNAVAILABLE', `append kept colliding with other writers (${MAX_APPEND_ATTEMPTS} tries)`);
  }

  /** Takes the append lock, failing at once if NATS drops meanwhile (see AppendLock.acquire). */
  private async takeLock(): Promise<void> {
    const abandon = new AbortController();
    try {
      await this.connection.guard(() => this.lock.acquire(abandon.signal));
    } catch (err) {
      abandon.abort();
      throw err;
    }
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.connection.guard(work);
    } catch (err) {
      if (this.closing !== undefined && !(err instanceof MagpieError)) throw storeClosedError('event log');
      throw translateNatsError(operation, err);
    }
  }

  /** A closed log refuses work as a caller bug; a disconnected one fails fast instead of queueing. */
  private assertUsable(operation: string): void {
    if (this.closing !== undefined) throw storeClosedError('event log');
    if (!this.connection.connected) throw natsUnavailable(operation, new Error('disconnected, reconnecting'));
  }
}

/** Consumer names are free text; KV keys allow only [-/_=.A-Za-z0-9], so the name is encoded. */
function offsetKey(consumer: string): string {
  return `offset_${Buffer.from(consumer, 'utf8').toString('base64url')}`;
}

/**
 * Connects to NATS and opens (creating when missing) the log's stream and its KV bucket. Fails
 * UNAVAILABLE when NATS cannot be reached, CONFIG_INVALID for a bad stream name or a stream of
 * that name that does not capture the log's subject.
 */
export async function openNatsEventLog(url: string, options: NatsEventLogOptions): Promise<NatsEventLog> {
  const names = logNames(options.stream);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const replicas = options.replicas ?? 1;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name: `magpie-log-${options.stream}`,
      timeout: timeoutMs,
      maxReconnectAttempts: -1, // keep trying: an outage fails calls (UNAVAILABLE), never the log
      reconnectTimeWait: 250,
    });
  } catch (err) {
    throw natsUnavailable('connect', err);
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
    await ensureLogStream(jsm, names, replicas);
    const js = nc.jetstream({ timeout: timeoutMs });
    const kv = await js.views.kv(names.bucket, { history: 1, replicas, storage: StorageType.File });
    return new NatsEventLog({ nc, jsm, js, kv, names, timeoutMs, lockLeaseMs: options.lockLeaseMs ?? 10_000 });
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw translateNatsError('open', err);
  }
}

/** Deletes a log's stream and state bucket; for tests, benchmarks and deliberate resets. */
export async function dropNatsEventLog(url: string, options: { stream: string; timeoutMs?: number }): Promise<void> {
  const names = logNames(options.stream);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, timeout: options.timeoutMs ?? 5_000, maxReconnectAttempts: 0 });
  } catch (err) {
    throw natsUnavailable('connect', err);
  }
  try {
    await dropLogStream(await nc.jetstreamManager({ timeout: options.timeoutMs ?? 5_000 }), names);
  } catch (err) {
    throw translateNatsError('drop', err);
  } finally {
    await nc.close();
  }
}
