import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MagpieError } from '../../core/index.js';
import { MAX_EXPRESSION_LENGTH, type MagpieConfig } from '../../config/index.js';
import type { Schemas } from '../../services/index.js';

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/**
 * Batch routes take an array of records or one record. Checked before validation so that an
 * oversized batch is refused at once with BATCH_TOO_LARGE instead of being validated first.
 */
export function batchBody(maxBatch: number) {
  return async (req: FastifyRequest): Promise<void> => {
    const body = req.body;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) req.body = [body];
    else if (Array.isArray(body) && body.length > maxBatch) {
      throw new MagpieError('BATCH_TOO_LARGE', `a batch holds at most ${maxBatch} records, got ${body.length}`, {
        max: maxBatch,
        got: body.length,
      });
    }
  };
}

export const idParams = (s: Schemas) => z.strictObject({ id: s.id });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2048).optional(),
});

/** n, offset, category and exclude (comma-separated or repeated) for every list route. */
export function listQuery(s: Schemas, config: MagpieConfig) {
  return z.strictObject({
    n: z.coerce.number().int().min(1).max(config.serving.maxN).optional().describe('How many items (default serving.defaultN).'),
    offset: z.coerce.number().int().min(0).max(10_000).default(0).describe('Skip this many (pagination).'),
    category: s.label.optional().describe('Only items in this category.'),
    exclude: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).filter(Boolean)))
      .describe('Item ids never to return, comma-separated or repeated.'),
  });
}

/** A list query on a surface: listQuery plus surface, tags and an attribute-expression filter. */
export function surfaceQuery(s: Schemas, config: MagpieConfig) {
  return listQuery(s, config).extend({
    surface: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}$/)
      .optional()
      .describe(`The serving pipeline (configured: ${Object.keys(config.serving.surfaces).join(', ')}).`),
    tags: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).filter(Boolean)))
      .describe('Only items with any of these tags, comma-separated or repeated.'),
    filter: z
      .string()
      .max(MAX_EXPRESSION_LENGTH)
      .optional()
      .describe('An attribute expression every item must match, e.g. `price < 20 and "drama" in categories` (docs/serving.md).'),
  });
}

export const upsertedOut = z.object({ upserted: z.number() });
