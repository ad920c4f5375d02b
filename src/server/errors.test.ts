import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MagpieError, type ErrorCode } from '../core/index.js';
import { HTTP_STATUS, toHttpError } from './errors.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** Faults of the request (or of what the caller may do now): the caller can fix them → 4xx. */
const CLIENT_FAULTS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNKNOWN_ALGORITHM: 400,
  INVALID_CURSOR: 400,
  INPUT_FILE_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ROUTE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  SURFACE_NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  EXPERIMENT_NOT_FOUND: 404,
  EXPERIMENT_CONFLICT: 409,
  METHOD_NOT_ALLOWED: 405,
  TRAINING_IN_PROGRESS: 409,
  TRAINING_DISABLED: 409,
  EVALUATION_IN_PROGRESS: 409,
  NOTHING_TO_ROLL_BACK: 409,
  // Training refused for the store's state (no roles, no positive feedback yet).
  TRAINING_FAILED: 409,
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNKNOWN_USER: 422,
  UNKNOWN_ITEM: 422,
  UNKNOWN_FEEDBACK_TYPE: 422,
  RATE_LIMITED: 429,
};

/** Faults of the server or its backing services → 5xx. */
const SERVER_FAULTS: Partial<Record<ErrorCode, number>> = {
  CONFIG_INVALID: 500,
  CORRUPT_MODEL: 500,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  STORAGE_FAILED: 503,
};

describe('HTTP_STATUS', () => {
  it('has a status for every ErrorCode, and nothing else', () => {
    for (const code of CODES) expect(HTTP_STATUS[code], code).toBeTypeOf('number');
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...CODES].sort());
  });

  it('classifies every code as a client or a server fault (a new code must be placed here)', () => {
    const classified = [...Object.keys(CLIENT_FAULTS), ...Object.keys(SERVER_FAULTS)].sort();
    expect(classified).toEqual([...CODES].sort());
  });

  it('gives client faults a 4xx and server faults a 5xx, as listed', () => {
    for (const [code, status] of Object.entries(CLIENT_FAULTS)) {
      expect(HTTP_STATUS[code as ErrorCode], code).toBe(status);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    for (const [code, status] of Object.entries(SERVER_FAULTS)) {
      expect(HTTP_STATUS[code as ErrorCode], code).toBe(status);
      expect(status).toBeGreaterThanOrEqual(500);
    }
  });
});

describe('toHttpError', () => {
  it('passes a MagpieError through', () => {
    const e = new MagpieError('ITEM_NOT_FOUND');
    expect(toHttpError(e)).toBe(e);
  });

  it("translates Fastify's body errors into our codes", () => {
    const fastifyError = (code: string, statusCode: number): Error => Object.assign(new Error(code), { code, statusCode });
    expect(toHttpError(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400)).code).toBe('MALFORMED_JSON');
    expect(toHttpError(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400)).code).toBe('MALFORMED_JSON');
    expect(toHttpError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413)).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toHttpError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toHttpError(new SyntaxError('Unexpected token')).code).toBe('MALFORMED_JSON');
    expect(toHttpError(fastifyError('FST_SOMETHING_ELSE', 400)).code).toBe('VALIDATION_FAILED');
    // A body shorter or longer than its content-length is a bad request, not a bad media type.
    expect(toHttpError(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400)).code).toBe('VALIDATION_FAILED');
    // Raised before routing (frameworkErrors): a URL that does not decode, a parameter too long.
    expect(toHttpError(fastifyError('FST_ERR_BAD_URL', 400)).code).toBe('VALIDATION_FAILED');
    expect(toHttpError(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414)).code).toBe('VALIDATION_FAILED');
  });

  it('turns anything unknown into INTERNAL without leaking its message, keeping it as the cause', () => {
    const original = new Error('password=hunter2 in connection string');
    const e = toHttpError(original);
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('internal error');
    expect(e.cause).toBe(original);
    expect(toHttpError('a string').code).toBe('INTERNAL');
    // Whatever was thrown, the error handler must not throw itself.
    expect(toHttpError(null).code).toBe('INTERNAL');
    expect(toHttpError(undefined).code).toBe('INTERNAL');
    expect(toHttpError(42).cause).toBe(42);
  });
});
