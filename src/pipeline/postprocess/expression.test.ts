import { describe, expect, it } from 'vitest';
import { MagpieError } from '../../core/index.js';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../config/index.js';
import type { ItemAttributes } from '../candidate.js';
import { compileExpression } from './expression-compile.js';
import { DAY, NOW, item } from './testing/catalog.js';

const drama = item({
  kind: 'movie',
  categories: ['drama', 'crime'],
  tags: ['funny', 'dark'],
  numeric: { price: 15, year: 2005 },
  createdAt: NOW - 10 * DAY,
});
const short = item({ kind: 'short', categories: ['comedy'], tags: [], numeric: { price: 3 }, createdAt: NOW - 400 * DAY });

function matches(expr: string, attrs: ItemAttributes = drama, id = 'm1'): boolean {
  return compileExpression(expr).test(attrs, NOW, id);
}

function errorOf(expr: string): MagpieError {
  try {
    compileExpression(expr);
  } catch (err) {
    expect(err).toBeInstanceOf(MagpieError);
    return err as MagpieError;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe('attribute expressions: semantics', () => {
  it.each([
    ['category = "drama"', true, false],
    ['category != "drama"', false, true],
    ['"drama" in categories', true, false],
    ['categories contains "crime"', true, false],
    ['tags contains "funny"', true, false],
    ['tag = "funny"', true, false],
    ['price < 20 and year >= 2000', true, false],
    ['price < 20', true, true],
    ['numeric.price > 10', true, false],
    ['not (kind = "short")', true, false],
    ['kind = "short" or price >= 15', true, true],
    ['age_days < 30', true, false],
    ['age_days >= 365', false, true],
    ['price between 10 and 20', true, false],
    ['price between 3 and 3', false, true],
    ['any(tags, ["a", "dark"])', true, false],
    ['all(tags, ["funny", "dark"])', true, false],
    ['all(tags, ["funny", "sad"])', false, false],
    ['kind in ["movie", "series"]', true, false],
    ['kind not in ["movie", "series"]', false, true],
    ['categories in ["comedy", "horror"]', false, true],
    ['price in [3, 4]', false, true],
    ['id = "m1"', true, true],
    ['id contains "1"', true, true],
    ['has(year)', true, false],
    ['has(tags)', true, false],
    ['created_at >= "2025-01-01"', true, false],
    ['created_at between "2023-01-01" and "2024-12-31T23:59:59Z"', false, true],
    ['kind == "movie" AND price <> 1', true, false], // == and <> accepted; keywords case-insensitive
  ])('%s', (expr, onDrama, onShort) => {
    expect(matches(expr, drama)).toBe(onDrama);
    expect(matches(expr, short)).toBe(onShort);
  });

  it('binds "and" tighter than "or", and "between … and" before both', () => {
    expect(matches('kind = "short" or kind = "movie" and price > 100')).toBe(false);
    expect(matches('(kind = "short" or kind = "movie") and price > 100')).toBe(false);
    expect(matches('kind = "movie" or kind = "short" and price > 100')).toBe(true);
    expect(matches('price between 10 and 20 and year = 2005')).toBe(true);
  });

  it('makes every comparison on a missing number false, != and not in included', () => {
    for (const e of ['year = 1', 'year != 1', 'year < 1', 'year > 1', 'year between 0 and 9999', 'year in [1]', 'year not in [1]']) {
      expect(matches(e, short), e).toBe(false);
    }
    expect(matches('not (year < 1)', short)).toBe(true);
    expect(matches('has(year)', short)).toBe(false);
  });

  it('uses `now` for age_days, not the clock', () => {
    const f = compileExpression('age_days < 30').test;
    expect(f(drama, NOW, 'm1')).toBe(true);
    expect(f(drama, NOW + 25 * DAY, 'm1')).toBe(false);
  });

  it('never reads prototype members as attributes', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(matches(`has(numeric.${name})`)).toBe(false);
      expect(matches(`numeric.${name} != 1`)).toBe(false);
    }
  });

  it('reads created_at dates as UTC unless a zone is given, and rejects impossible dates', () => {
    const at = (iso: string) => item({ createdAt: Date.parse(iso) });
    expect(matches('created_at = "2024-03-01T10:00"', at('2024-03-01T10:00:00Z'))).toBe(true);
    expect(matches('created_at = "2024-03-01 10:00:30.5"', at('2024-03-01T10:00:30.500Z'))).toBe(true);
    expect(matches('created_at = "2024-03-01T12:00+02:00"', at('2024-03-01T10:00:00Z'))).toBe(true);
    expect(matches('created_at < "2024-03-01"', at('2024-02-29T23:59:59Z'))).toBe(true);
    for (const bad of ['2024-02-30', '2024-13-01', '2024-3-1', '01/03/2024', '2024-03-01T25:00']) {
      expect(errorOf(`created_at > "${bad}"`).message).toContain('column 14: expected an ISO date');
    }
  });

  it('reads escaped quotes in strings', () => {
    const a = item({ tags: ['say "hi"', "it's"] });
    expect(matches('tags contains "say \\"hi\\""', a)).toBe(true);
    expect(matches("tags contains 'it\\'s'", a)).toBe(true);
  });

  it('rejects bare names outside numericNames when they are given', () => {
    const opts = { numericNames: new Set(['price']) };
    expect(compileExpression('price <= 3', opts).test(short, NOW, 'x')).toBe(true);
    expect(() => compileExpression('prise < 3', opts)).toThrow(/column 1: expected a field/);
    expect(compileExpression('numeric.prise < 3', opts).test(short, NOW, 'x')).toBe(false);
  });
});

describe('attribute expressions: errors', () => {
  it.each([
    ['price <', 7, 'a field, a value'],
    ['price < 20 and', 14, 'a field, a value'],
    ['(kind = "short"', 15, '")" to close the "(" at column 1'],
    ['kind = "short")', 14, '"and", "or" or the end of the expression (this ")" closes no "(")'],
    ['kind = "short', 7, 'a closing " for the string'],
    ['price ~ 3', 6, 'a field, a value, an operator'],
    ['price 3', 6, 'an operator (=, !='],
    ['price between 1 or 2', 16, '"and" between the two bounds'],
    ['kind not like "x"', 9, '"in" after "not"'],
    ['kind in ["a", 1]', 8, 'a list of only strings or only numbers'],
    ['kind in ["a" "b"]', 13, '"," or "]" to close the list'],
    ['kind = 3', 5, 'two strings or two numbers around "=", found the field kind (a string) and the number 3'],
    ['tags < 3', 5, 'a string compared with "=" or "!="'],
    ['price', 0, 'a condition'],
    ['price and kind = "a"', 0, 'a condition on each side of "and"'],
    ['any(tags)', 0, 'a list field and a list of strings in any()'],
    ['any(kind, ["a"])', 4, 'a list field (categories, tags) first in any()'],
    ['created_at > "yesterday"', 13, 'an ISO date'],
    ['numeric.a.b > 1', 0, 'a field name without "."'],
    ['12abc = 1', 2, 'a space or an operator after the number'],
    ['and = 1', 0, 'a field or a value'],
    ['', 0, 'a field, a value'],
  ])('%s → column %#', (expr, offset, expected) => {
    const err = errorOf(expr);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain(`column ${offset + 1}: expected ${expected}`);
    expect(err.details).toMatchObject({ expression: expr, offset, column: offset + 1 });
  });

  it('limits the length and the nesting depth', () => {
    const long = `price < 1${' or price < 1'.repeat(MAX_EXPRESSION_LENGTH / 10)}`;
    expect(errorOf(long).message).toContain(`at most ${MAX_EXPRESSION_LENGTH} characters`);
    const deep = `${'('.repeat(MAX_EXPRESSION_DEPTH + 1)}price < 1${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`;
    expect(errorOf(deep).message).toContain(`at most ${MAX_EXPRESSION_DEPTH} levels of nesting`);
    const nots = `${'not '.repeat(MAX_EXPRESSION_DEPTH + 1)}price < 1`;
    expect(errorOf(nots).message).toContain('levels of nesting');
    // At the limit it compiles and evaluates.
    const ok = `${'('.repeat(MAX_EXPRESSION_DEPTH)}price < 20${')'.repeat(MAX_EXPRESSION_DEPTH)}`;
    expect(matches(ok)).toBe(true);
  });

  it('handles long flat chains without deep recursion', () => {
    const chain = Array.from({ length: 70 }, (_, i) => `price = ${i}`).join(' or ');
    expect(chain.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
    expect(matches(chain)).toBe(true);
  });

  it('rejects a non-string', () => {
    expect(errorOf(42 as unknown as string).code).toBe('VALIDATION_FAILED');
  });
});
