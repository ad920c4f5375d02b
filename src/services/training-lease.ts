import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { MagpieError } from '../core/index.js';
import type { ModelStore } from '../ports/index.js';

/** The lease every trainer on one store competes for. */
export const TRAINING_LEASE = 'training';
/** Long enough that a busy event loop never misses a renewal, short enough that a dead trainer's lease lapses soon. */
export const TRAINING_LEASE_TTL_MS = 60_000;

/** A holder name unique to this engine: the host and process say who trains, the random part tells two engines in one process apart. */
export function newTrainerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export interface TrainingLeaseOptions {
  /** How long the lease lasts without renewal (ms); renewed every third of it. */
  ttlMs?: number | undefined;
  /** Problems that do not stop the run (a failed renewal or release, a lost lease). */
  log?: ((level: 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void) | undefined;
}

/**
 * Runs `run` while holding the store's training lease, so that of all the processes sharing a
 * store only one trains at a time. Refuses with TRAINING_IN_PROGRESS (nothing runs) when another
 * holder has the lease. While `run` works the lease is renewed every ttl/3; it is released when
 * `run` ends, whether it succeeded or failed. A process that dies mid-run cannot release it: its
 * lease lapses after ttl and the next trainer takes over.
 */
export async function withTrainingLease<T>(
  models: ModelStore,
  holder: string,
  run: () => Promise<T>,
  opts: TrainingLeaseOptions = {},
): Promise<T> {
  const ttlMs = opts.ttlMs ?? TRAINING_LEASE_TTL_MS;
  const log = opts.log ?? (() => undefined);
  if (!(await models.acquireLease(TRAINING_LEASE, holder, ttlMs))) {
    throw new MagpieError('TRAINING_IN_PROGRESS', 'another process is training on this store; try again when it has finished', {
      lease: TRAINING_LEASE,
    });
  }
  // One renewal at a time, and none after the release: a renewal landing after the release
  // would take the lease again and keep it for another ttl.
  let renewing: Promise<void> | null = null;
  let lost = false;
  const renew = async (): Promise<void> => {
    try {
      if (await models.acquireLease(TRAINING_LEASE, holder, ttlMs)) return;
      // Only possible after a stall longer than ttl: another trainer may have started. This run
      // goes on (it cannot be stopped halfway safely), but it says so.
      if (!lost) log('warn', 'the training lease expired and another process took it; two trainers may now run at once', { holder });
      lost = true;
    } catch (err) {
      log('warn', 'could not renew the training lease; retrying', { holder, err: String(err) });
    }
  };
  const timer = setInterval(() => {
    renewing ??= renew().finally(() => {
      renewing = null;
    });
  }, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();
  try {
    return await run();
  } finally {
    clearInterval(timer);
    await renewing;
    // A lease that cannot be released (store down) lapses by itself after ttl.
    await models.releaseLease(TRAINING_LEASE, holder).catch((err: unknown) => {
      log('error', 'could not release the training lease; it lapses by itself', { holder, ttlMs, err: String(err) });
    });
  }
}
