/**
 * The binary form of a forest: a fixed little-endian header, the feature names as UTF-8 JSON,
 * then the node arrays. Float64 throughout, so a round trip predicts bit-identically.
 *
 *   "MGBT" u32 version | u8 objective | f64 baseScore | u32 features | u32 trees | u32 nodes |
 *   u32 names byte length | names | roots i32[trees] | feature i32[n] | threshold f64[n] |
 *   defaultLeft u8[n] | left i32[n] | right i32[n] | value f64[n] | gain f64[n]
 */
import { MagpieError } from '../../../core/index.js';
import type { ForestArrays } from './forest.js';
import type { ObjectiveName } from './types.js';

const MAGIC = 0x5442474d; // "MGBT" read little-endian
const VERSION = 1;
const OBJECTIVES: readonly ObjectiveName[] = ['binary', 'lambdamart'];

export function encodeForest(a: ForestArrays): Uint8Array {
  const names = new TextEncoder().encode(JSON.stringify(a.featureNames));
  const trees = a.roots.length;
  const n = a.value.length;
  const f = a.featureNames.length;
  const size = 4 + 4 + 1 + 8 + 4 * 4 + names.length + 4 * trees + n * (4 + 8 + 1 + 4 + 4 + 8 + 8);
  const bytes = new Uint8Array(size);
  const w = new Writer(bytes);
  w.u32(MAGIC);
  w.u32(VERSION);
  w.u8(OBJECTIVES.indexOf(a.objective));
  w.f64(a.baseScore);
  w.u32(f);
  w.u32(trees);
  w.u32(n);
  w.u32(names.length);
  w.bytes(names);
  for (const x of a.roots) w.i32(x);
  for (const x of a.feature) w.i32(x);
  for (const x of a.threshold) w.f64(x);
  w.bytes(a.defaultLeft);
  for (const x of a.left) w.i32(x);
  for (const x of a.right) w.i32(x);
  for (const x of a.value) w.f64(x);
  for (const x of a.gain) w.f64(x);
  return bytes;
}

export function decodeForest(bytes: Uint8Array): ForestArrays {
  try {
    const r = new Reader(bytes);
    if (r.u32() !== MAGIC) throw new Error('not a gradient-boosted forest (bad magic)');
    const version = r.u32();
    if (version !== VERSION) throw new Error(`unsupported version ${version}`);
    const objective = OBJECTIVES[r.u8()];
    if (!objective) throw new Error('unknown objective');
    const baseScore = r.f64();
    const f = r.u32();
    const trees = r.u32();
    const n = r.u32();
    const featureNames: unknown = JSON.parse(new TextDecoder().decode(r.bytes(r.u32())));
    if (!Array.isArray(featureNames) || featureNames.length !== f || !featureNames.every((x) => typeof x === 'string')) {
      throw new Error('bad feature names');
    }
    const a: ForestArrays = {
      objective,
      featureNames,
      baseScore,
      roots: Int32Array.from({ length: trees }, () => r.i32()),
      feature: Int32Array.from({ length: n }, () => r.i32()),
      threshold: Float64Array.from({ length: n }, () => r.f64()),
      defaultLeft: r.bytes(n).slice(),
      left: Int32Array.from({ length: n }, () => r.i32()),
      right: Int32Array.from({ length: n }, () => r.i32()),
      value: Float64Array.from({ length: n }, () => r.f64()),
      gain: Float64Array.from({ length: n }, () => r.f64()),
    };
    if (r.remaining() !== 0) throw new Error('trailing bytes');
    checkStructure(a);
    return a;
  } catch (err) {
    throw new MagpieError('CORRUPT_MODEL', `gradient-boosted forest: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
  }
}

/** Every index in range and every child after its parent, so prediction always ends at a leaf. */
function checkStructure(a: ForestArrays): void {
  const n = a.value.length;
  for (const root of a.roots) if (root < 0 || root >= n) throw new Error('a root is out of range');
  for (let i = 0; i < n; i++) {
    const f = a.feature[i]!;
    if (f < 0) continue;
    if (f >= a.featureNames.length) throw new Error(`node ${i} splits on a missing feature`);
    const l = a.left[i]!;
    const r = a.right[i]!;
    if (!(l > i && l < n && r > i && r < n)) throw new Error(`node ${i} has a child out of order`);
  }
}

class Writer {
  private readonly view: DataView;
  private at = 0;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  u8(x: number): void {
    this.view.setUint8(this.at, x);
    this.at += 1;
  }
  u32(x: number): void {
    this.view.setUint32(this.at, x, true);
    this.at += 4;
  }
  i32(x: number): void {
    this.view.setInt32(this.at, x, true);
    this.at += 4;
  }
  f64(x: number): void {
    this.view.setFloat64(this.at, x, true);
    this.at += 8;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.at);
    this.at += b.length;
  }
}

class Reader {
  private readonly view: DataView;
  private at = 0;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  remaining(): number {
    return this.buf.length - this.at;
  }
  private need(k: number): void {
    if (this.at + k > this.buf.length) throw new Error('truncated');
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.at, true);
    this.at += 4;
    return x;
  }
  i32(): number {
    this.need(4);
    const x = this.view.getInt32(this.at, true);
    this.at += 4;
    return x;
  }
  f64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.at, true);
    this.at += 8;
    return x;
  }
  bytes(k: number): Uint8Array {
    this.need(k);
    const b = this.buf.subarray(this.at, this.at + k);
    this.at += k;
    return b;
  }
}
