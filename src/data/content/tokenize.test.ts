import { describe, expect, it } from 'vitest';
import { STOP_WORDS, normalizeLabel, tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('lower-cases, splits on anything but letters and digits, keeps repeats', () => {
    expect(tokenize('Space-Time: 2001, a SPACE odyssey!')).toEqual(['space', 'time', '2001', 'space', 'odyssey']);
  });

  it('drops one-character tokens and English stop words', () => {
    expect(tokenize('The cat and I saw a dog, x y z')).toEqual(['cat', 'saw', 'dog']);
    for (const w of ['the', 'and', 'of', 'with']) expect(STOP_WORDS.has(w)).toBe(true);
  });

  it('keeps Unicode words whole (accents, Cyrillic, CJK, combining marks)', () => {
    expect(tokenize('Le fabuleux destin d’Amélie Poulain')).toEqual(['le', 'fabuleux', 'destin', 'amélie', 'poulain']);
    expect(tokenize('Ёлки-палки')).toEqual(['ёлки', 'палки']);
    expect(tokenize('東京 物語')).toEqual(['東京', '物語']);
    // A decomposed é (e + U+0301) is composed by NFKC, so both spellings give one token.
    expect(tokenize('Ame\u0301lie')).toEqual(tokenize('Amélie'));
    // Devanagari vowel signs are marks (\p{M}): the word must not be cut at them.
    expect(tokenize('हिन्दी फ़िल्म')).toEqual(['हिन्दी', 'फ़िल्म']);
    // One astral character is one character, so it is dropped like any single letter.
    expect(tokenize('𝒳 ab')).toEqual(['ab']);
  });

  it('normalises labels to one feature name', () => {
    expect(normalizeLabel('  Sci-Fi ')).toBe('sci-fi');
    expect(normalizeLabel('Highly \t quotable')).toBe('highly quotable');
    expect(normalizeLabel('   ')).toBe('');
  });
});
