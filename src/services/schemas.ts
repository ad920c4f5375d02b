import { z } from 'zod';

/**
 * Input schemas shared by every way data comes in (HTTP, `magpie import`, the library API).
 * Timestamps are accepted as ISO-8601 strings or epoch milliseconds and become epoch ms.
 * Objects are strict: an unknown field is an error, not silently dropped.
 */
export interface SchemaLimits {
  maxIdLength: number;
  maxBatch: number;
}

const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]+$/;
const MAX_TEXT = 100_000;
const MAX_LIST = 1_000;
const MAX_EMBEDDING = 4_096;

export function timestampSchema() {
  return z
    .union([z.iso.datetime({ offset: true }), z.number().int().min(0).max(8.64e15)])
    .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
    .describe('ISO-8601 date-time or milliseconds since the Unix epoch.');
}

const json = z.json();
const attributes = z.record(z.string().max(256), json).refine((o) => Object.keys(o).length <= 1000, 'at most 1000 attributes');

export function makeSchemas(limits: SchemaLimits) {
  const id = z
    .string()
    .min(1)
    .max(limits.maxIdLength)
    .regex(NO_CONTROL_CHARS, 'must not contain control characters');
  const label = z.string().min(1).max(256).regex(NO_CONTROL_CHARS, 'must not contain control characters');

  const userInput = z.strictObject({
    id,
    attributes: attributes.optional(),
    createdAt: timestampSchema().optional(),
  });

  const itemInput = z.strictObject({
    id,
    kind: label.optional(),
    title: z.string().max(1000).optional(),
    text: z.string().max(MAX_TEXT).optional(),
    categories: z.array(label).max(MAX_LIST).optional(),
    tags: z.array(label).max(MAX_LIST).optional(),
    numeric: z.record(z.string().max(256), z.number()).optional(),
    embedding: z.array(z.number()).max(MAX_EMBEDDING).nullable().optional(),
    createdAt: timestampSchema().optional(),
    hidden: z.boolean().optional(),
  });

  const eventInput = z.strictObject({
    id: id.optional().describe('Idempotency key; a repeated id is ignored.'),
    user: id,
    item: id,
    type: label,
    value: z.number().nullable().optional(),
    timestamp: timestampSchema().optional(),
    context: z.record(z.string().max(256), json).nullable().optional(),
  });

  const batch = <T extends z.ZodType>(one: T) => z.array(one).min(1).max(limits.maxBatch);

  const userPatch = z.strictObject({
    attributes: z.record(z.string().max(256), json.nullable()).optional(),
  });
  const itemPatch = z.strictObject({
    kind: label.optional(),
    title: z.string().max(1000).optional(),
    text: z.string().max(MAX_TEXT).optional(),
    categories: z.array(label).max(MAX_LIST).optional(),
    tags: z.array(label).max(MAX_LIST).optional(),
    numeric: z.record(z.string().max(256), z.number().nullable()).optional(),
    embedding: z.array(z.number()).max(MAX_EMBEDDING).nullable().optional(),
    createdAt: timestampSchema().optional(),
    hidden: z.boolean().optional(),
  });

  return { id, label, userInput, itemInput, eventInput, batch, userPatch, itemPatch };
}

export type Schemas = ReturnType<typeof makeSchemas>;
export type UserInput = z.output<Schemas['userInput']>;
export type ItemInput = z.output<Schemas['itemInput']>;
export type EventInput = z.output<Schemas['eventInput']>;
export type UserPatchInput = z.output<Schemas['userPatch']>;
export type ItemPatchInput = z.output<Schemas['itemPatch']>;
