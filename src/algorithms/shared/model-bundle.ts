import { IdIndex, MagpieError } from '../../core/index.js';
import { bundleArray, decodeBundle, encodeBundle, type DecodedBundle, type TypedArray } from '../../data/index.js';
import type { z } from 'zod';

/**
 * The common envelope of every algorithm's serialised model: the algorithm name, a per-algorithm
 * format version, the validated params, algorithm-specific meta, and the item id list, so a model
 * loaded in another process can map its dense indices back to item ids on its own.
 */
interface Envelope {
  algorithm: string;
  format: number;
  params: unknown;
  extra: unknown;
}

export interface ModelParts {
  algorithm: string;
  format: number;
  params: Readonly<Record<string, unknown>>;
  extra: Record<string, unknown>;
  items: IdIndex;
  arrays: Record<string, TypedArray>;
}

export function encodeModel(parts: ModelParts): Uint8Array {
  const envelope: Envelope = {
    algorithm: parts.algorithm,
    format: parts.format,
    params: parts.params,
    extra: parts.extra,
  };
  const arrays: Record<string, TypedArray> = { itemIds: encodeIdList(parts.items), ...parts.arrays };
  return encodeBundle(envelope, arrays);
}

export interface LoadedModel<P> {
  params: P;
  extra: Record<string, unknown>;
  items: IdIndex;
  bundle: DecodedBundle;
}

/** Decodes and checks the envelope; any mismatch is CORRUPT_MODEL, never a crash later. */
export function decodeModel<P>(
  bytes: Uint8Array,
  algorithm: string,
  format: number,
  schema: z.ZodType<P>,
): LoadedModel<P> {
  const bundle = decodeBundle(bytes);
  const env = bundle.meta as Partial<Envelope> | null;
  if (!env || env.algorithm !== algorithm) {
    throw new MagpieError('CORRUPT_MODEL', `model bundle is not a ${algorithm} model`, {
      found: env?.algorithm ?? null,
    });
  }
  if (env.format !== format) {
    throw new MagpieError('CORRUPT_MODEL', `unsupported ${algorithm} model format ${String(env.format)}`);
  }
  const parsed = schema.safeParse(env.params);
  if (!parsed.success) {
    throw new MagpieError('CORRUPT_MODEL', `stored ${algorithm} params are invalid`, parsed.error.issues);
  }
  const extra = typeof env.extra === 'object' && env.extra !== null ? (env.extra as Record<string, unknown>) : {};
  const items = decodeIdList(bundleArray(bundle, 'itemIds', Uint8Array));
  return { params: parsed.data, extra, items, bundle };
}

/** A numeric field of the extra meta, or CORRUPT_MODEL. */
export function extraNumber(extra: Record<string, unknown>, name: string): number {
  const v = extra[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new MagpieError('CORRUPT_MODEL', `model bundle lacks numeric field ${name}`);
  }
  return v;
}

/** A typed array of an exact length, or CORRUPT_MODEL. */
export function sizedArray<T extends TypedArray>(
  b: DecodedBundle,
  name: string,
  ctor: new (...args: never[]) => T,
  length: number,
): T {
  const a = bundleArray(b, name, ctor);
  if (a.length !== length) {
    throw new MagpieError('CORRUPT_MODEL', `array ${name} has length ${a.length}, expected ${length}`);
  }
  return a;
}

/** An id list as bytes (JSON), for a bundle array. */
export function encodeIdList(index: IdIndex): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(index.toArray()));
}

/** The id list encodeIdList wrote; anything else is CORRUPT_MODEL. */
export function decodeIdList(bytes: Uint8Array): IdIndex {
  let ids: unknown;
  try {
    ids = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new MagpieError('CORRUPT_MODEL', 'model id list is not valid JSON', undefined, { cause: err });
  }
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new MagpieError('CORRUPT_MODEL', 'model id list is not a list of strings');
  }
  const index = IdIndex.from(ids as string[]);
  if (index.size !== ids.length) throw new MagpieError('CORRUPT_MODEL', 'model id list has duplicates');
  return index;
}
