import fc from 'fast-check';

/**
 * Hostile inputs for fuzzing the HTTP API: strings a careless server mishandles, values of the
 * wrong type, broken JSON, odd content types and query strings. Used by src/server/fuzz-*.test.ts.
 */

/** Injection strings: SQL, path traversal, prototype pollution, templates, markup, numbers. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '1; SELECT pg_sleep(10)',
  "x' UNION SELECT hash FROM keys --",
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/dev/zero',
  'file:///etc/shadow',
  '__proto__',
  'constructor',
  'prototype',
  '__proto__.polluted',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '${process.exit()}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '$where',
  '{"$gt":""}',
  '*',
  '%',
  '%s%s%s%n',
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  '0x7fffffff',
  'home) or (1=1',
  '"drama" in categories or',
  'price < ',
  '((((((((((((((((((((((((((((((((',
] as const;

/** Unicode that breaks naive code: lone surrogates, NUL, direction marks, joiners, BOM, emoji. */
export const ODD_UNICODE = [
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  '\uDE00\uD83D',
  '\u0000',
  'a\u0000b',
  '\u202E',
  '\u200F',
  '\u200B',
  '\u2028',
  '\uFEFF',
  '\uFFFF',
  '\uFFFE',
  '😀',
  '👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  'İı',
  'ﷺ',
  '\u{10FFFF}',
  '\u001b[31m',
  '\r\n',
  '\t',
] as const;

/**
 * Any UTF-16 code unit, lone surrogates included. (fast-check's own 'binary' unit costs seconds
 * to set up on first use and produces lone surrogates more rarely.)
 */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** A hostile string: an injection, odd unicode, random code units, or a mix of them. */
export function hostileString(): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...INJECTIONS),
    fc.constantFrom(...ODD_UNICODE),
    fc.string({ unit: codeUnit, maxLength: 12 }),
    fc.string({ maxLength: 12 }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: piece },
    { weight: 2, arbitrary: fc.array(piece, { minLength: 2, maxLength: 5 }).map((p) => p.join('')) },
    { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS, ...ODD_UNICODE).map((s) => s.repeat(40)) },
  );
}

/** JSON nested `depth` levels deep, as text (an attacker's way to blow a recursive validator). */
export function deeplyNested(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** A value of any JSON type (and some that JSON.stringify turns into null). */
export function anyValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', [], {}, [[]], [null]),
    fc.integer(),
    fc.double(),
    hostileString(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(hostileString(), { maxLength: 4 }),
    fc.dictionary(hostileString(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
  );
}

/** One representative of each JSON type, for a deterministic sweep of every field. */
export const WRONG_TYPES: readonly unknown[] = [null, true, 0, -1, 1e308, 1.5, '', 'text', [], [1, 'a'], {}, { a: 1 }];

/** Every path to a value in a JSON sample (object keys, array index 0), leaves and inner nodes. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return value.length === 0 ? here : [...here, ...pathsOf(value[0], [...prefix, 0])];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  }
  return here;
}

/** A deep copy of `sample` with the value at `path` replaced (or a key added beside it). */
export function withValueAt(sample: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(sample);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
  return copy;
}

/** Broken JSON made from a valid body: truncated, doubled, single-quoted, commented… */
export function malformedJson(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((n) => valid.slice(0, n)),
    fc.constantFrom(
      `${valid}}`,
      `${valid},`,
      `${valid}${valid}`,
      valid.replaceAll('"', "'"),
      `/* c */${valid}`,
      `${valid} // c`,
      `\uFEFF${valid}`,
      valid.replace(/:/, '::'),
      valid.replace(/"([^"]+)":/, '$1:'),
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":undefined}',
      '{"a":1,}',
      '[1,]',
      '{',
      '[',
      '"',
      '',
      ' ',
      'nul',
      '\u0000',
      '{"a":"\\uD800"}',
      '{"a":"\\x41"}',
      '{"a":01}',
      '{"a":1e99999}',
    ),
    fc.string({ unit: codeUnit, maxLength: 40 }),
  );
}

/** Raw JSON text that tries to pollute Object.prototype through a parser or a merge. */
export function pollutingJson(valid: unknown): fc.Arbitrary<string> {
  const poison = [
    '"__proto__":{"polluted":"yes"}',
    '"constructor":{"prototype":{"polluted":"yes"}}',
    '"__proto__":{"toString":"x","isAdmin":true}',
    '"prototype":{"polluted":"yes"}',
  ];
  // Into the first object of the body, as its first key.
  const inject = (text: string, p: string): string => {
    const i = text.indexOf('{');
    if (i < 0) return `{${p}}`;
    const rest = text.slice(i + 1);
    return `${text.slice(0, i)}{${p}${rest.startsWith('}') ? '' : ','}${rest}`;
  };
  const text = JSON.stringify(valid) ?? '{}';
  return fc.oneof(
    fc.constantFrom(...poison).map((p) => inject(text, p)),
    fc.constantFrom(...poison).map((p) => text.replace(/"(attributes|context|numeric)":\{/, `"$1":{${p},`)),
    fc.constantFrom(...poison).map((p) => `{${p}}`),
    fc.constantFrom(...poison).map((p) => `[{${p}}]`),
  );
}

/** Content types the API must refuse (or treat as JSON when they are JSON). */
export const CONTENT_TYPES = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/json, text/plain',
  'application/json;;',
  '*/*',
  'json',
  ';',
  'a/b/c',
] as const;

/** Raw query-string pieces that are not what a browser would send. */
export const RAW_QUERY_PIECES = [
  '%',
  '%zz',
  '%00',
  '%C0%AE',
  '%ED%A0%80',
  '&&&',
  '=',
  '==',
  '[]',
  'n[]=1',
  'n[0]=1&n[1]=2',
  '__proto__[polluted]=yes',
  '__proto__=x',
  'constructor[prototype][polluted]=yes',
  'a=1&a=2&a=3',
  'exclude=',
  'n=',
  'n=1e3',
  'n=0x10',
  'n=-0',
  'n= 5',
  'n=5 ',
  'offset=99999999999999999999',
  'limit=1.5',
  'cursor=%FF%FE',
  'filter=%28%28%28%28%28%28',
  '+',
  '#fragment',
] as const;

/** Encoded query value from a hostile string (what a client library would send). */
export function encodeQueryValue(s: string): string {
  // encodeURIComponent refuses lone surrogates; send their UTF-16 code units as %-escapes then.
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => (ch.length === 1 && /[\uD800-\uDFFF]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}
