import { MagpieError } from '../core/index.js';

/**
 * A small self-describing binary container for trained models: a JSON header plus named typed
 * arrays, each 8-byte aligned so it can be viewed without copying.
 *
 * Layout: "MGPB" | u32 format version | u32 header length | header JSON | padding | arrays…
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

const MAGIC = 0x4250474d; // "MGPB" little-endian
const FORMAT_VERSION = 1;

type DType = 'f32' | 'f64' | 'i32' | 'u32' | 'u8';

interface ArrayEntry {
  name: string;
  dtype: DType;
  offset: number;
  length: number;
}

interface Header {
  meta: unknown;
  arrays: ArrayEntry[];
}

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  return 'u8';
}

const CTORS = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
} as const;

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeBundle(meta: unknown, arrays: Record<string, TypedArray>): Uint8Array {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    entries.push({ name, dtype: dtypeOf(a), offset, length: a.length });
    offset = align8(offset + a.byteLength);
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify({ meta, arrays: entries } satisfies Header));
  const dataStart = align8(12 + headerBytes.length);
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  for (const e of entries) {
    const a = arrays[e.name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + e.offset);
  }
  return out;
}

export interface DecodedBundle {
  meta: unknown;
  arrays: Record<string, TypedArray>;
}

export function decodeBundle(bytes: Uint8Array): DecodedBundle {
  if (bytes.byteLength < 12) throw new MagpieError('CORRUPT_MODEL', 'model bundle is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new MagpieError('CORRUPT_MODEL', 'not a model bundle');
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw new MagpieError('CORRUPT_MODEL', `unsupported bundle format version ${version}`);
  }
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.byteLength) throw new MagpieError('CORRUPT_MODEL', 'model bundle is truncated');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch (err) {
    throw new MagpieError('CORRUPT_MODEL', 'model bundle header is not valid JSON', undefined, { cause: err });
  }
  if (!isHeader(header)) throw new MagpieError('CORRUPT_MODEL', 'model bundle header has an unexpected shape');
  const dataStart = align8(12 + headerLength);
  // Copy into a fresh, aligned buffer so typed-array views are valid whatever the input offset.
  // Not bytes.slice(): on a Node Buffer (fs, drivers) slice() is a view, not a copy, and keeps
  // the input's possibly unaligned byteOffset.
  const data = new Uint8Array(Math.max(bytes.byteLength - dataStart, 0));
  data.set(bytes.subarray(dataStart));
  const arrays: Record<string, TypedArray> = {};
  for (const e of header.arrays) {
    const Ctor = CTORS[e.dtype];
    const end = e.offset + e.length * Ctor.BYTES_PER_ELEMENT;
    if (end > data.byteLength) throw new MagpieError('CORRUPT_MODEL', `array ${e.name} runs past the end`);
    arrays[e.name] = new Ctor(data.buffer, data.byteOffset + e.offset, e.length);
  }
  return { meta: header.meta, arrays };
}

/** A parsed header whose array entries can be viewed safely (8-aligned, non-negative, known dtype). */
function isHeader(h: unknown): h is Header {
  if (typeof h !== 'object' || h === null || !Array.isArray((h as { arrays?: unknown }).arrays)) return false;
  return (h as { arrays: unknown[] }).arrays.every((e) => {
    if (typeof e !== 'object' || e === null) return false;
    const { name, dtype, offset, length } = e as Record<string, unknown>;
    return (
      typeof name === 'string' &&
      typeof dtype === 'string' &&
      Object.hasOwn(CTORS, dtype) &&
      Number.isSafeInteger(offset) &&
      (offset as number) >= 0 &&
      (offset as number) % 8 === 0 &&
      Number.isSafeInteger(length) &&
      (length as number) >= 0
    );
  });
}

/** Fetches a named array of the expected type from a decoded bundle, or throws CORRUPT_MODEL. */
export function bundleArray<T extends TypedArray>(
  b: DecodedBundle,
  name: string,
  ctor: new (...args: never[]) => T,
): T {
  const a = b.arrays[name];
  if (!(a instanceof ctor)) throw new MagpieError('CORRUPT_MODEL', `model bundle lacks array ${name}`);
  return a;
}
