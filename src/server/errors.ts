import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { MagpieError, type ErrorCode } from '../core/index.js';

/** The one table from error code to HTTP status. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  USER_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  SURFACE_NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  EXPERIMENT_NOT_FOUND: 404,
  EXPERIMENT_CONFLICT: 409,
  NOTHING_TO_ROLL_BACK: 409,
  UNKNOWN_USER: 422,
  UNKNOWN_ITEM: 422,
  UNKNOWN_FEEDBACK_TYPE: 422,
  UNKNOWN_ALGORITHM: 400,
  INVALID_CURSOR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  TRAINING_FAILED: 409,
  TRAINING_IN_PROGRESS: 409,
  TRAINING_DISABLED: 409,
  EVALUATION_IN_PROGRESS: 409,
  CONFIG_INVALID: 500,
  INPUT_FILE_INVALID: 400,
  CORRUPT_MODEL: 500,
  STORAGE_FAILED: 503,
  INTERNAL: 500,
};

/** Statuses a client should retry after a pause; they carry Retry-After. */
const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = { UNAVAILABLE: 5, STORAGE_FAILED: 5, RATE_LIMITED: 1 };

/** Fastify's own error codes, translated so every answer speaks one error language. */
function fromFastify(err: FastifyError): MagpieError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MagpieError('MALFORMED_JSON', err.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MagpieError('PAYLOAD_TOO_LARGE', err.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MagpieError('UNSUPPORTED_MEDIA_TYPE', err.message);
  }
  if (err instanceof SyntaxError) return new MagpieError('MALFORMED_JSON', err.message);
  if (err.validation) {
    return new MagpieError('VALIDATION_FAILED', `${err.validationContext ?? 'request'} ${err.message}`, err.validation);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new MagpieError('VALIDATION_FAILED', err.message);
  return null;
}

export function toHttpError(err: unknown): MagpieError {
  if (err instanceof MagpieError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'body';
    const details = err.validation.map((v) => ({
      in: where,
      path: v.instancePath.split('/').filter(Boolean).join('.'),
      message: v.message ?? 'invalid',
    }));
    const first = details[0];
    const message = first ? `${where}${first.path ? `.${first.path}` : ''}: ${first.message}` : `invalid ${where}`;
    return new MagpieError('VALIDATION_FAILED', message, details);
  }
  // `err` is unknown: a thrown null/undefined/string must become INTERNAL, not a TypeError here.
  const translated = typeof err === 'object' && err !== null ? fromFastify(err as FastifyError) : null;
  return translated ?? new MagpieError('INTERNAL', 'internal error', undefined, { cause: err });
}

export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toHttpError(err);
  const status = HTTP_STATUS[e.code];
  if (status >= 500) req.log.error({ err: (e.cause as Error | undefined) ?? e, code: e.code }, e.message);
  // A header set on the way (the rate limiter's exact wait, auth's challenge) wins over the default.
  const retry = RETRY_AFTER_SECONDS[e.code];
  if (retry !== undefined && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(retry));
  if (e.code === 'UNAUTHORIZED' && !reply.hasHeader('www-authenticate')) void reply.header('www-authenticate', 'Bearer realm="magpie"');
  return reply.status(status).send({ error: e.toJSON() });
}
