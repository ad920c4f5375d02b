import { IdIndex, MagpieError } from '../../core/index.js';
import type { TypedArray } from '../../data/index.js';
import type { Csr } from '../../math/index.js';
import { decodeIdList, encodeIdList } from './model-bundle.js';

const floatView = new Float32Array(1);
const bitsView = new Uint32Array(floatView.buffer);

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 64-bit fingerprint (two words written to out[at], out[at + 1]) of a history as (item index,
 * float32 weight) pairs, independent of their order: each pair is hashed alone and the hashes
 * are combined by sum and by xor, the count mixed in.
 */
export function historyFingerprint(items: ArrayLike<number>, weights: ArrayLike<number>, from: number, to: number, out: Uint32Array, at: number): void {
  let sum = 0;
  let xor = 0;
  for (let q = from; q < to; q++) {
    floatView[0] = weights[q]!;
    const h = mix32(Math.imul(items[q]! + 1, 0x9e3779b1) ^ bitsView[0]!);
    sum = (sum + h) | 0;
    xor ^= mix32(h ^ 0x7f4a7c15);
  }
  out[at] = mix32(sum ^ Math.imul(to - from, 0x27d4eb2d));
  out[at + 1] = xor >>> 0;
}

/**
 * The users a factor model was trained on, with a fingerprint of each one's training row. A
 * query whose history (in the model's item indices, with its weights) equals the user's training
 * row is exactly what the stored vector was fitted to, so the model may score it with that
 * vector instead of folding the history in again; a user with any new positive event, a changed
 * weight or a dislike since training no longer matches and is folded in (ADR 0003).
 */
export class KnownUsers {
  private readonly scratch = new Uint32Array(2);

  constructor(
    readonly ids: IdIndex,
    /** Two words per user, in ids order. */
    readonly prints: Uint32Array,
  ) {
    if (prints.length !== 2 * ids.size) throw new MagpieError('CORRUPT_MODEL', `${prints.length} fingerprint words for ${ids.size} users`);
  }

  static fromRows(ids: IdIndex, rows: Csr): KnownUsers {
    const prints = new Uint32Array(2 * ids.size);
    for (let u = 0; u < ids.size && u < rows.rows; u++) historyFingerprint(rows.indices, rows.values, rows.indptr[u]!, rows.indptr[u + 1]!, prints, 2 * u);
    return new KnownUsers(ids, prints);
  }

  /** The user's training row when this history is that row, else −1. */
  rowOf(user: string, items: Int32Array, weights: Float32Array): number {
    const u = this.ids.indexOf(user);
    if (u < 0) return -1;
    historyFingerprint(items, weights, 0, items.length, this.scratch, 0);
    return this.scratch[0] === this.prints[2 * u] && this.scratch[1] === this.prints[2 * u + 1] ? u : -1;
  }

  toArrays(): Record<string, TypedArray> {
    return { knownUserIds: encodeIdList(this.ids), knownUserPrints: this.prints };
  }

  /** The known users a bundle holds, or null for a bundle written before they were stored. */
  static fromArrays(arrays: Record<string, TypedArray>): KnownUsers | null {
    const ids = arrays['knownUserIds'];
    const prints = arrays['knownUserPrints'];
    if (!(ids instanceof Uint8Array) || !(prints instanceof Uint32Array)) return null;
    return new KnownUsers(decodeIdList(ids), prints);
  }
}
