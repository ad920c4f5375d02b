/**
 * Deterministic assignment of users to variants: the same (salt, user) always lands in the same
 * place in [0, 1), on every process and after every restart, with nothing stored per user.
 */

const encoder = new TextEncoder();

/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, public domain), over the UTF-8 bytes of
 * `text`. Chosen for its avalanche: one changed input bit flips about half the output bits,
 * so user ids that differ by one character still spread evenly.
 */
export function murmur3(text: string, seed = 0): number {
  const bytes = encoder.encode(text);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  // The 1–3 bytes left over, little-endian, mixed like a block but without the h rotation.
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    for (let i = rest - 1; i >= 0; i--) k = (k << 8) | bytes[blocks + i]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  // Finaliser: forces every input bit to affect every output bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Where a user falls in [0, 1) for an experiment's salt. */
export function bucketOf(salt: string, user: string): number {
  // A separator no id can hold on both sides ambiguously: ("ab", "c") and ("a", "bc") differ.
  return murmur3(`${salt}\u0000${user}`) / 4294967296;
}

/**
 * The variant whose slice of [0, 1) holds u: slices in the order given, each as wide as its
 * share. Shares sum to 1; rounding that leaves u past the last slice picks the last variant.
 */
export function variantAt<V extends { share: number }>(variants: readonly V[], u: number): V {
  let edge = 0;
  for (const v of variants) {
    edge += v.share;
    if (u < edge) return v;
  }
  return variants[variants.length - 1]!;
}
