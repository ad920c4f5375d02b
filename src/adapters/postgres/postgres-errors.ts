import { MagpieError } from '../../core/index.js';

/**
 * The one place where what `pg` throws becomes a MagpieError.
 *
 * - The server cannot be reached, went away, is starting or shutting down, has no free
 *   connection slot, or a wait timed out → UNAVAILABLE (the HTTP layer answers 503 with
 *   Retry-After: trying again later is the right move).
 * - A deadlock or serialisation failure → UNAVAILABLE too: nothing was written and the same
 *   request will succeed when retried.
 * - Data the server refuses as a value (a NUL character, an id too long for an index, a number
 *   out of range) → VALIDATION_FAILED: it is bad input, so it must be a 4xx, not a 500.
 * - Anything else → STORAGE_FAILED with the driver error kept as `cause` and its SQLSTATE in
 *   `details`.
 */
export function translatePgError(operation: string, err: unknown): MagpieError {
  if (err instanceof MagpieError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const sqlState = sqlStateOf(err);
  const details = sqlState === undefined ? { operation } : { operation, sqlState };
  if (isUnavailable(err, sqlState)) {
    return new MagpieError('UNAVAILABLE', `postgres ${operation}: the database is unavailable (${message})`, details, {
      cause: err,
    });
  }
  if (sqlState !== undefined && BAD_INPUT_STATES.has(sqlState)) {
    return new MagpieError('VALIDATION_FAILED', `postgres refused a value: ${message}`, details, { cause: err });
  }
  return new MagpieError('STORAGE_FAILED', `postgres ${operation} failed: ${message}`, details, { cause: err });
}

/** The SQLSTATE of a server error (pg puts it in `code`; socket errors have E-codes there). */
export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Socket-level failures: connecting, or the connection breaking under a query. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** SQLSTATEs after which a retry later is expected to work. */
const TRANSIENT_STATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '55P03', // lock_not_available
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '58030', // io_error
]);

/** pg's own messages for a connection that timed out or broke (these errors carry no code). */
const DRIVER_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection timeout/i,
  /client has encountered a connection error/i,
  /query read timeout/i,
];

function isUnavailable(err: unknown, sqlState: string | undefined): boolean {
  if (sqlState !== undefined) return sqlState.startsWith('08') || TRANSIENT_STATES.has(sqlState);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  if (err instanceof AggregateError && err.errors.some((e) => isUnavailable(e, undefined))) return true;
  const message = err instanceof Error ? err.message : '';
  if (DRIVER_MESSAGES.some((re) => re.test(message))) return true;
  const cause = err instanceof Error ? err.cause : undefined;
  return cause !== undefined && cause !== err && isUnavailable(cause, sqlStateOf(cause));
}

const BAD_INPUT_STATES = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22021', // character_not_in_repertoire (a NUL byte in text)
  '22P02', // invalid_text_representation (e.g. 1.5 for a bigint)
  '22P05', // untranslatable_character (\u0000 inside jsonb)
  '54000', // program_limit_exceeded (an id too long for a btree index entry)
]);
