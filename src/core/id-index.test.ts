import { describe, expect, it } from 'vitest';
import { IdIndex } from './id-index.js';

describe('IdIndex', () => {
  it('hands out dense indices in first-seen order and reuses them for repeats', () => {
    const ix = new IdIndex();
    expect(ix.size).toBe(0);
    expect(ix.add('b')).toBe(0);
    expect(ix.add('a')).toBe(1);
    expect(ix.add('b')).toBe(0);
    expect(ix.add('c')).toBe(2);
    expect(ix.size).toBe(3);
    expect(ix.toArray()).toEqual(['b', 'a', 'c']);
  });

  it('answers indexOf / has / idAt consistently', () => {
    const ix = IdIndex.from(['x', 'y', 'x', 'z']);
    expect(ix.size).toBe(3);
    expect(ix.indexOf('x')).toBe(0);
    expect(ix.indexOf('z')).toBe(2);
    expect(ix.indexOf('nope')).toBe(-1);
    expect(ix.has('y')).toBe(true);
    expect(ix.has('nope')).toBe(false);
    for (let i = 0; i < ix.size; i++) expect(ix.indexOf(ix.idAt(i))).toBe(i);
  });

  it('does not confuse ids with Object.prototype members', () => {
    const ix = IdIndex.from(['a']);
    expect(ix.indexOf('constructor')).toBe(-1);
    expect(ix.has('__proto__')).toBe(false);
    expect(ix.add('__proto__')).toBe(1);
    expect(ix.indexOf('__proto__')).toBe(1);
    expect(ix.idAt(1)).toBe('__proto__');
  });

  it('idAt throws RangeError outside 0..size-1', () => {
    const ix = IdIndex.from(['a', 'b']);
    expect(() => ix.idAt(2)).toThrow(RangeError);
    expect(() => ix.idAt(-1)).toThrow(RangeError);
    expect(() => ix.idAt(0.5)).toThrow(RangeError);
    expect(() => new IdIndex().idAt(0)).toThrow(RangeError);
  });

  it('keeps the empty string as an id', () => {
    const ix = new IdIndex();
    expect(ix.add('')).toBe(0);
    expect(ix.has('')).toBe(true);
    expect(ix.idAt(0)).toBe('');
  });
});
