import { describe, expect, it } from 'vitest';
import { MagpieError } from '../core/index.js';
import { bundleArray, decodeBundle, encodeBundle, type TypedArray } from './bundle.js';

const MAGIC = [0x4d, 0x47, 0x50, 0x42]; // "MGPB"

function sample(): Record<string, TypedArray> {
  return {
    f32: Float32Array.from([1.5, -2.25, 3e-8]),
    f64: Float64Array.from([Math.PI, -0, 1e300, Number.MIN_VALUE]),
    i32: Int32Array.from([-2147483648, 0, 2147483647, -1, 5]),
    u32: Uint32Array.from([0, 4294967295, 7]),
    u8: Uint8Array.from([0, 255, 128]),
    empty: new Float32Array(0),
  };
}

/** A bundle with a hand-written header, for corrupt-input tests. */
function withHeader(header: string, dataBytes = 16): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(((12 + h.length + 7) & ~7) + dataBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x4250474d, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, h.length, true);
  out.set(h, 12);
  return out;
}

function expectCorrupt(f: () => unknown): void {
  let thrown: unknown;
  try {
    f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(MagpieError);
  expect((thrown as MagpieError).code).toBe('CORRUPT_MODEL');
}

describe('encodeBundle / decodeBundle', () => {
  it('round-trips every dtype exactly, with the same array types', () => {
    const arrays = sample();
    const decoded = decodeBundle(encodeBundle({ v: 1 }, arrays));
    expect(Object.keys(decoded.arrays)).toEqual(Object.keys(arrays));
    for (const [name, a] of Object.entries(arrays)) {
      const b = decoded.arrays[name]!;
      expect(b.constructor).toBe(a.constructor);
      expect(b.length).toBe(a.length);
      expect(Array.from(b as ArrayLike<number>)).toEqual(Array.from(a as ArrayLike<number>));
    }
    // -0 survives as -0 (bitwise copy).
    expect(Object.is(decoded.arrays.f64![1], -0)).toBe(true);
  });

  it('preserves meta (nested JSON) and accepts no arrays', () => {
    const meta = { algorithm: 'ials', params: { factors: 64, lr: 0.05 }, ids: ['a', 'é', '😀'], none: null };
    expect(decodeBundle(encodeBundle(meta, {})).meta).toEqual(meta);
    expect(decodeBundle(encodeBundle('plain', {})).meta).toBe('plain');
    expect(decodeBundle(encodeBundle(null, {})).arrays).toEqual({});
  });

  it('lays out magic, version, header length, then 8-aligned arrays (worked example)', () => {
    const bytes = encodeBundle(null, { a: Uint8Array.from([1, 2, 3]), b: Float64Array.from([2]) });
    const header = '{"meta":null,"arrays":[{"name":"a","dtype":"u8","offset":0,"length":3},{"name":"b","dtype":"f64","offset":8,"length":1}]}';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(Array.from(bytes.subarray(0, 4))).toEqual(MAGIC);
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(8, true)).toBe(header.length);
    expect(new TextDecoder().decode(bytes.subarray(12, 12 + header.length))).toBe(header);
    const dataStart = Math.ceil((12 + header.length) / 8) * 8;
    // a (3 bytes) is padded to 8, then b's 8 bytes.
    expect(bytes.length).toBe(dataStart + 16);
    expect(Array.from(bytes.subarray(dataStart, dataStart + 8))).toEqual([1, 2, 3, 0, 0, 0, 0, 0]);
    expect(view.getFloat64(dataStart + 8, true)).toBe(2);
  });

  it('gives 8-aligned views for every array whatever the lengths before them', () => {
    const decoded = decodeBundle(
      encodeBundle({}, { a: new Uint8Array(1), b: new Float64Array(3), c: new Uint8Array(5), d: new Int32Array(3), e: new Float64Array(2) }),
    );
    for (const a of Object.values(decoded.arrays)) expect(a.byteOffset % 8).toBe(0);
    expect(decoded.arrays.e!.length).toBe(2);
  });

  it('encodes only the viewed part of an array that is a subarray of a larger buffer', () => {
    const big = Float32Array.from([9, 9, 1, 2, 3, 9]);
    const decoded = decodeBundle(encodeBundle({}, { x: big.subarray(2, 5) }));
    expect(Array.from(decoded.arrays.x!)).toEqual([1, 2, 3]);
  });

  it('decodes from a Uint8Array with a non-zero (odd) byteOffset', () => {
    const bytes = encodeBundle({ m: 1 }, sample());
    for (const shift of [1, 3, 4, 7]) {
      const host = new Uint8Array(bytes.length + shift + 5);
      host.set(bytes, shift);
      const decoded = decodeBundle(host.subarray(shift, shift + bytes.length));
      expect(decoded.meta).toEqual({ m: 1 });
      expect(Array.from(decoded.arrays.f64!)).toEqual(Array.from(sample().f64!));
      expect(Array.from(decoded.arrays.i32!)).toEqual(Array.from(sample().i32!));
    }
  });

  it('decodes from a Node Buffer at an odd offset (Buffer.slice is a view, not a copy)', () => {
    const bytes = encodeBundle({}, { x: Float32Array.from([1, 2, 3]), y: Float64Array.from([4]) });
    const host = Buffer.alloc(bytes.length + 3);
    host.set(bytes, 3);
    const decoded = decodeBundle(host.subarray(3));
    expect(Array.from(decoded.arrays.x!)).toEqual([1, 2, 3]);
    expect(Array.from(decoded.arrays.y!)).toEqual([4]);
  });

  it('decoded arrays do not alias the input bytes', () => {
    const bytes = encodeBundle({}, { x: Uint8Array.from([1, 2, 3]) });
    const decoded = decodeBundle(bytes);
    bytes.fill(0, bytes.length - 8);
    expect(Array.from(decoded.arrays.x!)).toEqual([1, 2, 3]);
  });

  it('rejects a wrong magic, an unknown version and truncations with CORRUPT_MODEL', () => {
    const good = encodeBundle({ a: 1 }, { x: Float64Array.from([1, 2, 3]) });
    const badMagic = good.slice();
    badMagic[0] = 0x58;
    expectCorrupt(() => decodeBundle(badMagic));
    const badVersion = good.slice();
    new DataView(badVersion.buffer).setUint32(4, 2, true);
    expectCorrupt(() => decodeBundle(badVersion));
    expectCorrupt(() => decodeBundle(new Uint8Array(0)));
    expectCorrupt(() => decodeBundle(good.subarray(0, 11)));
    // Cut inside the header, and inside the last array.
    expectCorrupt(() => decodeBundle(good.subarray(0, 20)));
    expectCorrupt(() => decodeBundle(good.subarray(0, good.length - 1)));
    // A header length that points past the end.
    const longHeader = good.slice();
    new DataView(longHeader.buffer).setUint32(8, 1_000_000, true);
    expectCorrupt(() => decodeBundle(longHeader));
    expect(() => decodeBundle(good)).not.toThrow();
  });

  it('rejects a header that is not JSON or has the wrong shape with CORRUPT_MODEL', () => {
    expectCorrupt(() => decodeBundle(withHeader('{not json')));
    expectCorrupt(() => decodeBundle(withHeader('null')));
    expectCorrupt(() => decodeBundle(withHeader('{"meta":1}')));
    expectCorrupt(() => decodeBundle(withHeader('{"arrays":[null]}')));
    expectCorrupt(() => decodeBundle(withHeader('{"arrays":[{"name":"x","dtype":"f16","offset":0,"length":1}]}')));
    expectCorrupt(() => decodeBundle(withHeader('{"arrays":[{"name":"x","dtype":"f32","offset":-8,"length":1}]}')));
    expectCorrupt(() => decodeBundle(withHeader('{"arrays":[{"name":"x","dtype":"f32","offset":2,"length":1}]}')));
    expectCorrupt(() => decodeBundle(withHeader('{"arrays":[{"name":"x","dtype":"f32","offset":0,"length":-1}]}')));
    expectCorrupt(() => decodeBundle(withHeader('{"arrays":[{"name":"x","dtype":"f32","offset":0,"length":5}]}')));
    // The same frame with a sane entry decodes.
    const ok = decodeBundle(withHeader('{"meta":7,"arrays":[{"name":"x","dtype":"f32","offset":8,"length":2}]}'));
    expect(ok.meta).toBe(7);
    expect(Array.from(ok.arrays.x!)).toEqual([0, 0]);
  });
});

describe('bundleArray', () => {
  it('returns the named array when its type matches, else CORRUPT_MODEL', () => {
    const b = decodeBundle(encodeBundle({}, { f: Float32Array.from([1]), i: Int32Array.from([2]) }));
    expect(Array.from(bundleArray(b, 'f', Float32Array))).toEqual([1]);
    expect(Array.from(bundleArray(b, 'i', Int32Array))).toEqual([2]);
    expectCorrupt(() => bundleArray(b, 'f', Float64Array));
    expectCorrupt(() => bundleArray(b, 'missing', Float32Array));
    expectCorrupt(() => bundleArray(b, 'toString', Float32Array));
  });
});
