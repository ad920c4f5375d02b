import type { ContentVectors } from '../content/index.js';

/**
 * Ridge regression from item content to item factors:
 *
 *   W = argmin Σ_{i ∈ rows} ‖z_i·W + b − y_i‖² + λ‖W‖²
 *
 * over the content vectors z_i (sparse features, then embedding dimensions) with an unpenalised
 * intercept b. The normal equations (ZᵀZ + λI)W = ZᵀY are solved matrix-free by conjugate
 * gradient, one CG per factor column run in lockstep so that each step is one pass over the
 * rows' content for all columns together; ZᵀZ is never formed, so the cost grows with the
 * content's non-zeros, not with the square of the vocabulary.
 */
export interface RidgeOptions {
  lambda: number;
  maxSteps: number;
  /** Stop a column once ‖residual‖ ≤ tolerance·‖ZᵀY column‖. */
  tolerance: number;
}

export interface Mapping {
  /** (features + dim + 1) × k row-major: feature rows, then embedding rows, then the intercept. */
  readonly weights: Float64Array;
  readonly k: number;
  /** CG steps taken (the slowest column). */
  readonly steps: number;
}

export function fitMapping(
  vectors: ContentVectors,
  rows: Int32Array,
  /** rows.length × k: the factors to predict, row r for item rows[r]. */
  targets: Float32Array,
  k: number,
  options: RidgeOptions,
): Mapping {
  const d = vectors.text.cols + vectors.dim + 1;
  const apply = new DesignMatrix(vectors, rows, k);
  const b = new Float64Array(d * k);
  apply.transposeTimes(Float64Array.from(targets), b);

  const x = new Float64Array(d * k);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  const ap = new Float64Array(d * k);
  const rr = columnDots(r, r, d, k);
  const stop = columnDots(b, b, d, k).map((bb) => options.tolerance * options.tolerance * bb);
  const active = Uint8Array.from(rr, (v, j) => (v > stop[j]! ? 1 : 0));
  let steps = 0;
  while (steps < options.maxSteps && active.includes(1)) {
    apply.normalTimes(p, ap, options.lambda);
    const pap = columnDots(p, ap, d, k);
    const alpha = new Float64Array(k);
    for (let j = 0; j < k; j++) alpha[j] = active[j] && pap[j]! > 0 ? rr[j]! / pap[j]! : 0;
    for (let e = 0; e < d; e++) {
      for (let j = 0; j < k; j++) {
        x[e * k + j]! += alpha[j]! * p[e * k + j]!;
        r[e * k + j]! -= alpha[j]! * ap[e * k + j]!;
      }
    }
    const next = columnDots(r, r, d, k);
    for (let j = 0; j < k; j++) {
      if (!active[j]) continue;
      if (!(pap[j]! > 0) || next[j]! <= stop[j]!) active[j] = 0;
      const beta = next[j]! / rr[j]!;
      for (let e = 0; e < d; e++) p[e * k + j] = r[e * k + j]! + beta * p[e * k + j]!;
      rr[j] = next[j]!;
    }
    steps++;
  }
  return { weights: x, k, steps };
}

/** out[outOffset ..] (k values) = z_i·W + b for item i. */
export function mapItem(vectors: ContentVectors, mapping: Mapping, i: number, out: Float32Array, outOffset: number): void {
  const { k, weights } = mapping;
  const acc = new Float64Array(k);
  addRowTimes(vectors, i, weights, k, acc, 0);
  for (let j = 0; j < k; j++) out[outOffset + j] = acc[j]!;
}

/** acc[accOff + j] += Σ_e z_i[e]·m[e][j]: one design row times a (d × k) matrix. */
function addRowTimes(vectors: ContentVectors, i: number, m: Float64Array, k: number, acc: Float64Array, accOff: number): void {
  const { text, embeddings, dim } = vectors;
  for (let t = text.indptr[i]!; t < text.indptr[i + 1]!; t++) {
    const v = text.values[t]!;
    const base = text.indices[t]! * k;
    for (let j = 0; j < k; j++) acc[accOff + j]! += v * m[base + j]!;
  }
  if (embeddings) {
    for (let t = 0; t < dim; t++) {
      const v = embeddings[i * dim + t]!;
      const base = (text.cols + t) * k;
      for (let j = 0; j < k; j++) acc[accOff + j]! += v * m[base + j]!;
    }
  }
  const bias = (text.cols + dim) * k;
  for (let j = 0; j < k; j++) acc[accOff + j]! += m[bias + j]!;
}

/** out[e][j] += z_i[e]·row[j] for every entry e of design row i: the transpose of addRowTimes. */
function addOuterRow(vectors: ContentVectors, i: number, row: Float64Array, rowOff: number, k: number, out: Float64Array): void {
  const { text, embeddings, dim } = vectors;
  for (let t = text.indptr[i]!; t < text.indptr[i + 1]!; t++) {
    const v = text.values[t]!;
    const base = text.indices[t]! * k;
    for (let j = 0; j < k; j++) out[base + j]! += v * row[rowOff + j]!;
  }
  if (embeddings) {
    for (let t = 0; t < dim; t++) {
      const v = embeddings[i * dim + t]!;
      const base = (text.cols + t) * k;
      for (let j = 0; j < k; j++) out[base + j]! += v * row[rowOff + j]!;
    }
  }
  const bias = (text.cols + dim) * k;
  for (let j = 0; j < k; j++) out[bias + j]! += row[rowOff + j]!;
}

/** The design matrix Z restricted to the training rows, with the products CG needs. */
class DesignMatrix {
  private readonly projected: Float64Array;

  constructor(
    private readonly vectors: ContentVectors,
    private readonly rows: Int32Array,
    private readonly k: number,
  ) {
    this.projected = new Float64Array(rows.length * k);
  }

  /** out = Zᵀ·M for an m × k matrix M over the rows. */
  transposeTimes(m: Float64Array, out: Float64Array): void {
    out.fill(0);
    for (let r = 0; r < this.rows.length; r++) addOuterRow(this.vectors, this.rows[r]!, m, r * this.k, this.k, out);
  }

  /** out = (ZᵀZ + λI')·V, I' the identity without the intercept's entry. */
  normalTimes(v: Float64Array, out: Float64Array, lambda: number): void {
    const { k, rows, projected } = this;
    projected.fill(0);
    for (let r = 0; r < rows.length; r++) addRowTimes(this.vectors, rows[r]!, v, k, projected, r * k);
    this.transposeTimes(projected, out);
    const penalised = out.length - k;
    for (let t = 0; t < penalised; t++) out[t]! += lambda * v[t]!;
  }
}

/** Per column j of a row-major d × k matrix pair: Σ_e a[e][j]·b[e][j]. */
function columnDots(a: Float64Array, b: Float64Array, d: number, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let e = 0; e < d; e++) for (let j = 0; j < k; j++) out[j]! += a[e * k + j]! * b[e * k + j]!;
  return out;
}
