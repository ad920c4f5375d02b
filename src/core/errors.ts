/**
 * One error type for the whole engine. Every failure that can reach a caller carries a stable
 * `code` from the list below; the HTTP layer maps codes to statuses in one table
 * (src/server/errors.ts) and adapters translate driver errors into these codes.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'The request or input did not match the expected shape.',
  MALFORMED_JSON: 'The request body is not valid JSON.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the configured limit.',
  BATCH_TOO_LARGE: 'The batch holds more records than allowed.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be application/json.',
  ROUTE_NOT_FOUND: 'No route answers this method and path.',
  METHOD_NOT_ALLOWED: 'This path does not answer this method.',
  USER_NOT_FOUND: 'No user has this id.',
  ITEM_NOT_FOUND: 'No item has this id.',
  SURFACE_NOT_FOUND: 'No surface (serving pipeline) has this name.',
  MODEL_NOT_FOUND: 'No trained model has this name or version.',
  EXPERIMENT_NOT_FOUND: 'No experiment has this id.',
  EXPERIMENT_CONFLICT: 'The experiment cannot change this way now (its state, or another experiment running on its surface).',
  NOTHING_TO_ROLL_BACK: 'No earlier promotion of this model name stands to roll back to.',
  UNKNOWN_USER: 'An event names a user that does not exist and on-the-fly creation is off.',
  UNKNOWN_ITEM: 'An event names an item that does not exist and on-the-fly creation is off.',
  UNKNOWN_FEEDBACK_TYPE: 'An event has a feedback type that is not configured.',
  UNKNOWN_ALGORITHM: 'No algorithm has this name.',
  INVALID_CURSOR: 'The pagination cursor is not one this server issued.',
  UNAUTHORIZED: 'The request needs a valid API key.',
  FORBIDDEN: 'The API key does not have the role this request needs.',
  RATE_LIMITED: 'Too many requests; retry later.',
  UNAVAILABLE: 'A backing service is unavailable; retry later.',
  TRAINING_FAILED: 'Training did not produce a model.',
  TRAINING_IN_PROGRESS: 'A training run is already in progress.',
  TRAINING_DISABLED: 'This process does not train (training.enabled is false); a trainer process does.',
  EVALUATION_IN_PROGRESS: 'An evaluation run is already in progress.',
  CONFIG_INVALID: 'The configuration is not valid.',
  INPUT_FILE_INVALID: 'An input file could not be read or parsed.',
  CORRUPT_MODEL: 'A stored model could not be decoded.',
  STORAGE_FAILED: 'The storage backend failed.',
  INTERNAL: 'An unexpected error happened inside the engine.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class MagpieError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options);
    this.name = 'MagpieError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isMagpieError(err: unknown): err is MagpieError {
  return err instanceof MagpieError;
}

/** Wraps anything thrown into a MagpieError, keeping the original as the cause. */
export function toMagpieError(err: unknown, fallback: ErrorCode = 'INTERNAL'): MagpieError {
  if (err instanceof MagpieError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new MagpieError(fallback, message, undefined, { cause: err });
}
