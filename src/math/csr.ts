/**
 * Compressed sparse row matrices: the training data's shape. Column indices within a row are
 * sorted ascending and unique.
 */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Builds a CSR matrix from (row, col, value) triples; duplicate cells are summed. */
export function csrFromTriples(
  rows: number,
  cols: number,
  r: ArrayLike<number>,
  c: ArrayLike<number>,
  v: ArrayLike<number>,
): Csr {
  const n = r.length;
  const counts = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) {
    const row = r[k]!;
    const col = c[k]!;
    // Non-integers (and NaN) are out of range too: a typed-array write at index 1.5 is a silent no-op.
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || row >= rows || col < 0 || col >= cols) {
      throw new RangeError(`cell (${row}, ${col}) outside a ${rows}×${cols} matrix`);
    }
    counts[row + 1]!++;
  }
  for (let i = 0; i < rows; i++) counts[i + 1]! += counts[i]!;
  const order = new Int32Array(n);
  const fill = counts.slice(0, rows);
  for (let k = 0; k < n; k++) order[fill[r[k]!]!++] = k;

  // Sort each row's entries by column, then merge duplicates.
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  let out = 0;
  for (let i = 0; i < rows; i++) {
    const start = counts[i]!;
    const end = counts[i + 1]!;
    const slice = Array.from(order.subarray(start, end)).sort((a, b) => c[a]! - c[b]!);
    let last = -1;
    for (const k of slice) {
      const col = c[k]!;
      if (col === last) {
        values[out - 1]! += v[k]!;
      } else {
        indices[out] = col;
        values[out] = v[k]!;
        out++;
        last = col;
      }
    }
    indptr[i + 1] = out;
  }
  return { rows, cols, indptr, indices: indices.slice(0, out), values: values.slice(0, out) };
}

/** The transpose, still in CSR form (i.e. the CSC view of m). */
export function transpose(m: Csr): Csr {
  const nnz = m.indices.length;
  const indptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < nnz; k++) indptr[m.indices[k]! + 1]!++;
  for (let j = 0; j < m.cols; j++) indptr[j + 1]! += indptr[j]!;
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
      const j = m.indices[k]!;
      const dst = fill[j]!++;
      indices[dst] = i;
      values[dst] = m.values[k]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}

export function nnz(m: Csr): number {
  return m.indices.length;
}

/** Row i's column indices and values (views, not copies). */
export function row(m: Csr, i: number): { indices: Int32Array; values: Float32Array } {
  const start = m.indptr[i]!;
  const end = m.indptr[i + 1]!;
  return { indices: m.indices.subarray(start, end), values: m.values.subarray(start, end) };
}
