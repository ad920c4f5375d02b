import { describe, expect, it } from 'vitest';
import { MagpieError, Rng } from '../../core/index.js';
import { MAX_EXPRESSION_LENGTH } from '../../config/index.js';
import { compileExpression } from './expression-compile.js';
import { DAY, NOW, item } from './testing/catalog.js';

// fast-check is not a dependency: a seeded generator loop. Three kinds of input: raw characters,
// token soup from the grammar's vocabulary (reaches deep into the parser and the type checker),
// and single-character mutations of valid expressions (errors one step from correct input).
const CHARS = ' \t\n()[],=!<>"\'\\.-_0123456789eEabcdnotirsyzAND\u0000\u00e9\u{1F600}';
const TOKENS = [
  'and', 'or', 'not', 'in', 'contains', 'between', 'AND', 'Not', '(', ')', '[', ']', ',', '=', '==', '!=', '<>', '<', '<=',
  '>', '>=', 'any(', 'all(', 'has(', 'id', 'kind', 'category', 'categories', 'tags', 'tag', 'created_at', 'age_days',
  'price', 'numeric.year', 'numeric.__proto__', 'constructor', '"drama"', "'x'", '"2024-01-01"', '"', '1', '-2.5', '1e3',
  '.5', '1e999', '[]', '["a","b"]', '[1,2]',
];
const VALID = [
  'category = "drama" and price < 20',
  'not (kind = "short") or any(tags, ["a", "b"])',
  'price between 10 and 20 and age_days < 30',
  '"drama" in categories and created_at >= "2024-01-01"',
  'kind not in ["x", "y"] and has(numeric.year)',
];

const SAMPLE_ITEMS = [
  item({ categories: ['drama'], tags: ['a'], numeric: { price: 12, year: 2001 }, createdAt: NOW - 3 * DAY }),
  item({ kind: 'short', numeric: {}, createdAt: Number.NaN }),
];

function generate(rng: Rng): string {
  const mode = rng.int(3);
  if (mode === 0) {
    const chars = [...CHARS];
    let s = '';
    const len = rng.int(40);
    for (let i = 0; i < len; i++) s += chars[rng.int(chars.length)];
    return s;
  }
  if (mode === 1) {
    const parts: string[] = [];
    const len = 1 + rng.int(25);
    for (let i = 0; i < len; i++) parts.push(TOKENS[rng.int(TOKENS.length)]!);
    return parts.join(rng.next() < 0.8 ? ' ' : '');
  }
  const base = VALID[rng.int(VALID.length)]!;
  const at = rng.int(base.length + 1);
  const ch = CHARS[rng.int(CHARS.length)]!;
  const op = rng.int(3);
  return op === 0 ? base.slice(0, at) + base.slice(at + 1) : op === 1 ? base.slice(0, at) + ch + base.slice(at) : base.slice(0, at) + ch + base.slice(at + 1);
}

function timeOf(src: string): number {
  const t0 = performance.now();
  try {
    compileExpression(src);
  } catch {
    // timing only
  }
  return performance.now() - t0;
}

describe('attribute expression fuzzing', () => {
  it('only ever throws VALIDATION_FAILED with an in-range position, and compiled ones evaluate', () => {
    const rng = new Rng(2024);
    let compiled = 0;
    let rejected = 0;
    let slowest = 0;
    let slowestInput = '';
    for (let n = 0; n < 20_000; n++) {
      const src = generate(rng);
      const t0 = performance.now();
      try {
        const f = compileExpression(src);
        for (const a of SAMPLE_ITEMS) if (typeof f.test(a, NOW, 'x') !== 'boolean') throw new Error(`non-boolean for ${src}`);
        compiled++;
      } catch (err) {
        if (!(err instanceof MagpieError)) throw new Error(`non-Magpie error for ${JSON.stringify(src)}: ${String(err)}`);
        expect(err.code).toBe('VALIDATION_FAILED');
        const d = err.details as { offset: number };
        expect(d.offset).toBeGreaterThanOrEqual(0);
        expect(d.offset).toBeLessThanOrEqual(src.length);
        rejected++;
      }
      const took = performance.now() - t0;
      if (took > slowest) [slowest, slowestInput] = [took, src];
    }
    // Both outcomes were exercised, and no input takes long (the parser is linear, no
    // backtracking): the slowest one, timed again on its own (a GC pause may have hit it), is fast.
    expect(compiled).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(10_000);
    expect(Math.min(...[1, 2, 3, 4, 5].map(() => timeOf(slowestInput)))).toBeLessThan(5);
  });

  it('survives pathological inputs quickly', () => {
    const inputs = [
      '('.repeat(100_000),
      'not '.repeat(250),
      `kind = "${'x'.repeat(MAX_EXPRESSION_LENGTH - 10)}"`,
      `price < ${'9'.repeat(400)}`,
      `price in [${Array.from({ length: 240 }, (_, i) => i).join(',')}]`,
      '"'.repeat(999),
      '\\'.repeat(999),
      `kind = "${'\\'.repeat(990)}`,
      `${'price < 1 or '.repeat(76)}price < 1`,
    ];
    for (const src of inputs) {
      try {
        compileExpression(src).test(SAMPLE_ITEMS[0]!, NOW, 'x');
      } catch (err) {
        expect(err).toBeInstanceOf(MagpieError);
        expect((err as MagpieError).code).toBe('VALIDATION_FAILED');
      }
      expect(Math.min(timeOf(src), timeOf(src), timeOf(src))).toBeLessThan(5);
    }
  });
});
