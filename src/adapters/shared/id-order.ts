/**
 * The one order of string ids every adapter uses for listing and tie-breaking: Unicode code
 * point order, which equals the byte order of UTF-8. SQLite's BINARY collation and Postgres's
 * "C" collation compare that way; JavaScript's `<` compares UTF-16 code units, which differs
 * for characters above U+FFFF versus U+E000..U+FFFF, so in-memory code must use this function.
 */
export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

/**
 * Ranks a UTF-16 code unit so that comparing ranks at the first differing unit gives code point
 * order: surrogates (U+D800..U+DFFF, which encode U+10000 and above) move above U+E000..U+FFFF.
 */
function codeUnitRank(unit: number): number {
  if (unit < 0xd800) return unit;
  if (unit < 0xe000) return unit + 0x2000;
  return unit - 0x800;
}

/** Index of the first element of the sorted array `ids` that is greater than `id`. */
export function firstIdAfter(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(ids[mid] as string, id) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
