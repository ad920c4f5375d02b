/**
 * The tokenizer behind item content features: deliberately simple and language-neutral.
 * Text is NFKC-normalised and lower-cased, then split into runs of letters, combining marks and
 * digits (Unicode \p{L}\p{M}\p{N}, so "Amélie", "Ёлка" and "東京" stay whole words; marks are
 * kept so scripts such as Devanagari are not cut inside a word). Tokens of a single character
 * and a small list of English function words are dropped: they occur everywhere and tell items
 * apart no better than noise (and IDF would give them ~0 weight anyway).
 */

/** Common English function words; short on purpose (IDF discounts the rest). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it ' +
    'its me my no not of on or our she so than that the their them then there these they this those to too us was we ' +
    'were what when where which who why will with would you your'
  ).split(' '),
);

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The words of a text, in order, repeats kept (their count is the term frequency). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const token = match[0];
    // Length in code points, not UTF-16 units: one astral character is still one character.
    if (token.length < 2 || (token.length <= 2 && [...token].length < 2)) continue;
    if (STOP_WORDS.has(token)) continue;
    out.push(token);
  }
  return out;
}

/**
 * A category or tag as one feature name: NFKC, lower-case, trimmed, inner whitespace collapsed
 * ("Sci-Fi " and "sci-fi" are one category; "Highly  quotable" is "highly quotable").
 * Empty labels give ''.
 */
export function normalizeLabel(label: string): string {
  return label.normalize('NFKC').toLowerCase().trim().replace(/\s+/gu, ' ');
}
