import { ErrorCode, NatsError } from 'nats';
import { MagpieError } from '../../core/index.js';

/** NATS client error codes that mean "the server cannot be reached right now": retry later. */
const UNREACHABLE = new Set<string>([
  ErrorCode.ConnectionClosed,
  ErrorCode.ConnectionDraining,
  ErrorCode.ConnectionRefused,
  ErrorCode.ConnectionTimeout,
  ErrorCode.Disconnect,
  ErrorCode.NoResponders,
  ErrorCode.Timeout,
  ErrorCode.Cancelled,
]);

/** The error for work attempted while the connection to NATS is down or not answering. */
export function natsUnavailable(operation: string, cause?: unknown): MagpieError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new MagpieError('UNAVAILABLE', `NATS is unavailable (${operation})${reason}`, undefined, { cause });
}

/**
 * Translates what the nats client throws into the engine's codes: unreachable server, timeouts
 * and "no responders" (JetStream not listening) become UNAVAILABLE so callers retry; a
 * JetStream API refusal or anything unexpected becomes STORAGE_FAILED.
 */
export function translateNatsError(operation: string, err: unknown): MagpieError {
  if (err instanceof MagpieError) return err;
  if (err instanceof NatsError && UNREACHABLE.has(err.code)) return natsUnavailable(operation, err);
  const message = err instanceof Error ? err.message : String(err);
  return new MagpieError('STORAGE_FAILED', `NATS ${operation} failed: ${message}`, undefined, { cause: err });
}

/** Whether a JetStream API error is "wrong last sequence" (an expected-sequence check failed). */
export function isWrongLastSequence(err: unknown): boolean {
  return err instanceof NatsError && err.api_error?.err_code === WRONG_LAST_SEQUENCE;
}

/** JetStream's err_code for a failed Nats-Expected-Last-(Subject-)Sequence check. */
export const WRONG_LAST_SEQUENCE = 10071;
