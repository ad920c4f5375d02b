import { MagpieError } from '../../core/index.js';

/** One lexical token of an attribute expression; `pos` is its 0-based offset in the source. */
export type Token =
  | { type: 'str'; value: string; pos: number; end: number }
  | { type: 'num'; value: number; pos: number; end: number }
  | { type: 'ident'; value: string; pos: number; end: number }
  | { type: 'punct'; value: Punct; pos: number; end: number }
  | { type: 'eof'; value: ''; pos: number; end: number };

export type Punct = '(' | ')' | '[' | ']' | ',' | '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A parse or type error: VALIDATION_FAILED (a `?filter=` is request input), with the 1-based
 * column in the message and the 0-based offset, what was expected and what was found in details.
 */
export function expressionError(source: string, offset: number, expected: string, found: string): MagpieError {
  return new MagpieError('VALIDATION_FAILED', `invalid expression at column ${offset + 1}: expected ${expected}, found ${found}`, {
    expression: source,
    offset,
    column: offset + 1,
    expected,
    found,
  });
}

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'the end of the expression';
    case 'str':
      return `the string ${JSON.stringify(clip(t.value))}`;
    case 'num':
      return `the number ${t.value}`;
    case 'ident':
      return `"${clip(t.value)}"`;
    case 'punct':
      return `"${t.value}"`;
  }
}

function clip(s: string): string {
  return s.length > 30 ? `${s.slice(0, 30)}…` : s;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** A digit, or "." / "-" / "-." followed by a digit. */
function startsNumber(s: string, i: number): boolean {
  let j = i;
  if (s.charCodeAt(j) === 45) j++;
  if (s.charCodeAt(j) === 46) j++;
  return isDigit(s.charCodeAt(j)) && j - i <= 2;
}

/** Splits an expression into tokens, ending with one `eof`. Linear in the length. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 34 || c === 39) {
      i = readString(source, i, tokens);
    } else if (startsNumber(source, i)) {
      i = readNumber(source, i, tokens);
    } else if (isIdentStart(c)) {
      // Dotted names (numeric.price) are one identifier; a dot must be followed by a name part.
      const start = i;
      i++;
      for (;;) {
        while (i < n && isIdentPart(source.charCodeAt(i))) i++;
        if (source.charCodeAt(i) === 46 && isIdentStart(source.charCodeAt(i + 1))) i++;
        else break;
      }
      tokens.push({ type: 'ident', value: source.slice(start, i), pos: start, end: i });
    } else {
      i = readPunct(source, i, tokens);
    }
  }
  tokens.push({ type: 'eof', value: '', pos: n, end: n });
  return tokens;
}

function readString(source: string, start: number, tokens: Token[]): number {
  const quote = source.charCodeAt(start);
  let value = '';
  let i = start + 1;
  let chunk = i;
  for (;;) {
    if (i >= source.length) {
      throw expressionError(source, start, `a closing ${String.fromCharCode(quote)} for the string opened here`, 'the end of the expression');
    }
    const c = source.charCodeAt(i);
    if (c === quote) break;
    if (c === 92) {
      // A backslash takes the next character literally: \" \' \\ (no other escapes are needed).
      if (i + 1 >= source.length) throw expressionError(source, i, 'a character after "\\"', 'the end of the expression');
      value += source.slice(chunk, i) + source[i + 1]!;
      i += 2;
      chunk = i;
    } else {
      i++;
    }
  }
  value += source.slice(chunk, i);
  tokens.push({ type: 'str', value, pos: start, end: i + 1 });
  return i + 1;
}

const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

function readNumber(source: string, start: number, tokens: Token[]): number {
  NUMBER.lastIndex = start;
  const m = NUMBER.exec(source);
  // The caller checked a digit follows; the regex always matches at least that much.
  const text = m![0];
  const end = start + text.length;
  if (isIdentStart(source.charCodeAt(end))) {
    throw expressionError(source, end, 'a space or an operator after the number', `"${source[end]}"`);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw expressionError(source, start, 'a finite number', text);
  tokens.push({ type: 'num', value, pos: start, end });
  return end;
}

// Maps, not object literals: a lookup must never reach Object.prototype.
const TWO_CHAR = new Map<string, Punct>([['!=', '!='], ['<=', '<='], ['>=', '>='], ['==', '='], ['<>', '!=']]);
const ONE_CHAR = new Map<string, Punct>([['(', '('], [')', ')'], ['[', '['], [']', ']'], [',', ','], ['=', '='], ['<', '<'], ['>', '>']]);

function readPunct(source: string, i: number, tokens: Token[]): number {
  const two = TWO_CHAR.get(source.slice(i, i + 2));
  if (two) {
    tokens.push({ type: 'punct', value: two, pos: i, end: i + 2 });
    return i + 2;
  }
  const one = ONE_CHAR.get(source[i]!);
  if (one) {
    tokens.push({ type: 'punct', value: one, pos: i, end: i + 1 });
    return i + 1;
  }
  // Show the offending character as code point so control characters stay readable.
  const ch = source.codePointAt(i)!;
  const shown = ch < 32 || ch === 127 ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}` : `"${String.fromCodePoint(ch)}"`;
  throw expressionError(source, i, 'a field, a value, an operator or a parenthesis', shown);
}
