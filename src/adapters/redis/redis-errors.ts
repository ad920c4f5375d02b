import { MagpieError } from '../../core/index.js';

/** Server replies that mean "not now" rather than "never": the server is starting or busy. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

export function redisUnavailable(operation: string, cause?: unknown): MagpieError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new MagpieError('UNAVAILABLE', `Redis is unavailable (${operation})${reason}`, undefined, { cause });
}

/**
 * A reply error from the server (wrong type, out of memory) is a storage failure. Everything
 * else ioredis throws is about reaching the server: not connected (no offline queue), command
 * timed out, connection dropped mid-command. Those are UNAVAILABLE, so callers retry later.
 */
export function translateRedisError(operation: string, err: unknown): MagpieError {
  if (err instanceof MagpieError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'ReplyError' && !TRANSIENT_REPLY.test(message)) {
    return new MagpieError('STORAGE_FAILED', `Redis ${operation} failed: ${message}`, undefined, { cause: err });
  }
  return redisUnavailable(operation, err);
}
