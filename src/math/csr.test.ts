import { describe, expect, it } from 'vitest';
import { Rng } from '../core/index.js';
import { csrFromTriples, nnz, row, transpose, type Csr } from './csr.js';

/** Dense rows × cols copy, for comparing against a plain reference. */
function dense(m: Csr): number[][] {
  const out = Array.from({ length: m.rows }, () => new Array<number>(m.cols).fill(0));
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) out[i]![m.indices[k]!]! += m.values[k]!;
  }
  return out;
}

function expectWellFormed(m: Csr): void {
  expect(m.indptr.length).toBe(m.rows + 1);
  expect(m.indptr[0]).toBe(0);
  expect(m.indptr[m.rows]).toBe(m.indices.length);
  expect(m.values.length).toBe(m.indices.length);
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]! + 1; k < m.indptr[i + 1]!; k++) expect(m.indices[k]!).toBeGreaterThan(m.indices[k - 1]!);
  }
  for (const j of m.indices) expect(j >= 0 && j < m.cols).toBe(true);
}

function randomTriples(rng: Rng, rows: number, cols: number, n: number): { r: number[]; c: number[]; v: number[] } {
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let k = 0; k < n; k++) {
    r.push(rng.int(rows));
    c.push(rng.int(cols));
    v.push(1 + rng.int(5));
  }
  return { r, c, v };
}

describe('csrFromTriples', () => {
  it('sorts columns within rows and sums duplicates (worked example)', () => {
    // Row 0 gets (3, 1), (1, 2), (1, 3) → cols [1, 3] with values [2+3, 1]; row 1 is empty;
    // row 2 gets (2, 1), (0, 5) → cols [0, 2] values [5, 1].
    const m = csrFromTriples(3, 4, [0, 0, 2, 0, 2], [3, 1, 2, 1, 0], [1, 2, 1, 3, 5]);
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(4);
    expect(Array.from(m.indptr)).toEqual([0, 2, 2, 4]);
    expect(Array.from(m.indices)).toEqual([1, 3, 0, 2]);
    expect(Array.from(m.values)).toEqual([5, 1, 5, 1]);
    expect(nnz(m)).toBe(4);
    // Trimmed to nnz, not to the 5 triples given.
    expect(m.indices.length).toBe(4);
    expect(m.values.length).toBe(4);
  });

  it('builds an empty matrix from no triples, keeping its shape', () => {
    const m = csrFromTriples(3, 2, [], [], []);
    expect(Array.from(m.indptr)).toEqual([0, 0, 0, 0]);
    expect(nnz(m)).toBe(0);
    expect(dense(m)).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('matches a dense reference on random data with many duplicates', () => {
    const rng = new Rng(8);
    const { r, c, v } = randomTriples(rng, 20, 15, 400);
    const m = csrFromTriples(20, 15, Int32Array.from(r), Int32Array.from(c), Float32Array.from(v));
    expectWellFormed(m);
    const ref = Array.from({ length: 20 }, () => new Array<number>(15).fill(0));
    for (let k = 0; k < r.length; k++) ref[r[k]!]![c[k]!]! += v[k]!;
    expect(dense(m)).toEqual(ref);
    expect(nnz(m)).toBe(ref.flat().filter((x) => x !== 0).length);
  });

  it('throws RangeError for cells outside the matrix', () => {
    expect(() => csrFromTriples(2, 2, [2], [0], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(2, 2, [-1], [0], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(2, 2, [0], [2], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(2, 2, [0], [-1], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(0, 0, [0], [0], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(2, 2, [0], [0], [1])).not.toThrow();
  });

  it('throws RangeError for non-integer and NaN indices instead of dropping them silently', () => {
    expect(() => csrFromTriples(3, 3, [0.5], [0], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(3, 3, [0], [1.5], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(3, 3, [NaN], [0], [1])).toThrow(RangeError);
    expect(() => csrFromTriples(3, 3, [0], [NaN], [1])).toThrow(RangeError);
  });
});

describe('transpose', () => {
  it('transposes a worked example', () => {
    // [[0, 5, 0, 1],
    //  [0, 0, 0, 0],
    //  [5, 0, 1, 0]]
    const m = csrFromTriples(3, 4, [0, 0, 2, 2], [1, 3, 0, 2], [5, 1, 5, 1]);
    const t = transpose(m);
    expect(t.rows).toBe(4);
    expect(t.cols).toBe(3);
    expect(Array.from(t.indptr)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(t.indices)).toEqual([2, 0, 2, 0]);
    expect(Array.from(t.values)).toEqual([5, 5, 1, 1]);
  });

  it('keeps rows sorted, and transposing twice gives the original back', () => {
    const rng = new Rng(21);
    for (const [rows, cols, n] of [
      [30, 50, 300],
      [1, 7, 10],
      [9, 1, 10],
      [5, 5, 0],
    ] as const) {
      const { r, c, v } = randomTriples(rng, rows, cols, n);
      const m = csrFromTriples(rows, cols, r, c, v);
      const t = transpose(m);
      expectWellFormed(t);
      const d = dense(m);
      expect(dense(t)).toEqual(d[0] === undefined ? [] : d[0].map((_, j) => d.map((rowVals) => rowVals[j]!)));
      const tt = transpose(t);
      expect(tt.rows).toBe(m.rows);
      expect(tt.cols).toBe(m.cols);
      expect(Array.from(tt.indptr)).toEqual(Array.from(m.indptr));
      expect(Array.from(tt.indices)).toEqual(Array.from(m.indices));
      expect(Array.from(tt.values)).toEqual(Array.from(m.values));
    }
  });
});

describe('row', () => {
  it("returns row i's columns and values as views into the matrix", () => {
    const m = csrFromTriples(3, 4, [0, 0, 2, 2], [1, 3, 0, 2], [5, 1, 7, 1]);
    const r0 = row(m, 0);
    expect(Array.from(r0.indices)).toEqual([1, 3]);
    expect(Array.from(r0.values)).toEqual([5, 1]);
    expect(row(m, 1).indices.length).toBe(0);
    expect(Array.from(row(m, 2).values)).toEqual([7, 1]);
    // Views, not copies: they share the matrix's buffers.
    expect(r0.indices.buffer).toBe(m.indices.buffer);
    expect(r0.values.buffer).toBe(m.values.buffer);
    row(m, 2).values[0] = 9;
    expect(m.values[2]).toBe(9);
  });
});
