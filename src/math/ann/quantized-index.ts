import { MagpieError } from '../../core/index.js';
import type { Vec } from '../blas.js';
import { normalizeRows, rowNorms } from '../normalize.js';
import { drain, newScoreHeap, offer, type ScoreHeap, type ScoredList } from '../score-heap.js';
import { topK } from '../topk.js';
import { QuantizedScorer } from '../wasm/index.js';
import type { QuantizedScanParams, VectorIndex, VectorMetric } from './types.js';
import { checkQuery, checkVectors, EMPTY_LIST, queryNorm } from './vectors.js';

/** Measured defaults (bench/quantized.mts): with them the first pass suffices on factor data. */
export const DEFAULT_QUANTIZED_PARAMS: Readonly<QuantizedScanParams> = Object.freeze({ oversample: 2, margin: 16 });

/** Above this many extra items to re-score, one plain f32 scan of everything is cheaper. */
const WIDEN_LIMIT_SHARE = 1 / 8;
/** Slack on the bound for the f64 rounding of the bound's own arithmetic. */
const INFLATE = 1 + 2 ** -20;
/** Scores beyond this magnitude could overflow f32 somewhere: the plain scan answers. */
const MAX_SCORE_MAGNITUDE = 1e30;

/** How the searches so far were answered (diagnostics for benchmarks and tests). */
export interface QuantizedScanStats {
  searches: number;
  /** The oversampled candidates provably held the top k. */
  certified: number;
  /** Items the int8 estimate could not rule out were re-scored too (a second pass). */
  widened: number;
  /** The plain f32 scan answered (zero or huge query, or too many items to rule out). */
  fullScans: number;
}

/**
 * An exact scan that reads int8 codes instead of f32 vectors: it returns exactly what
 * ExactVectorIndex returns (same items, same order, bit-identical scores), in a fraction of the
 * time once the f32 matrix outgrows the last-level cache.
 *
 * 1. Every item is scored approximately from its int8 codes (assembly/quantized.ts), and the
 *    best k·oversample + margin are kept (skipping `exclude`d items).
 * 2. Those candidates are re-scored in f32 with scoreF32's arithmetic; the k-th best exact
 *    score is τ.
 * 3. The rounding residuals bound every estimate's error: |s_i − s̃_i| ≤ ‖r_i‖·‖q‖ +
 *    scale_i·‖c_i‖·‖r_q‖ (+ the f32 rounding of both passes), with r_i, r_q the item's and
 *    query's residuals and c_i the item's codes. If even the best item left out cannot reach τ,
 *    the answer is proven complete (the usual case). Otherwise every item whose upper bound
 *    reaches τ is re-scored too, or, when those are many, everything is scanned in f32.
 *
 * So there is no recall to trade: recall is 1 by construction; oversample and margin only
 * decide how often step 3 needs a second pass.
 */
export class QuantizedVectorIndex implements VectorIndex {
  readonly kind = 'exact';
  readonly params: Readonly<QuantizedScanParams>;
  readonly stats: QuantizedScanStats = { searches: 0, certified: 0, widened: 0, fullScans: 0 };
  private readonly scorer: QuantizedScorer;
  /** Per item: bound coefficient of ‖q‖ (residual norm plus the f32 rounding slack). */
  private readonly boundQ: Float64Array;
  /** Per item: bound coefficient of the query's residual norm (scale·‖codes‖). */
  private readonly boundR: Float64Array;
  private readonly maxBoundQ: number;
  private readonly maxBoundR: number;
  private readonly maxRowNorm: number;
  /** Absolute slack for underflow in either pass. */
  private readonly boundAbs: number;
  private readonly approx: Float32Array;
  private readonly exact: Float32Array;
  private readonly extra: Int32Array;
  private readonly mark: Int32Array;
  private stamp = 0;
  /** Under 'cos': which items have a zero vector (never returned). */
  private readonly zero: Uint8Array | null = null;

  constructor(
    vectors: Float32Array,
    readonly size: number,
    readonly dim: number,
    readonly metric: VectorMetric = 'ip',
    params: Partial<QuantizedScanParams> = {},
  ) {
    checkVectors(vectors, size, dim);
    this.params = checkParams({ ...DEFAULT_QUANTIZED_PARAMS, ...params });
    let rows = vectors.subarray(0, size * dim);
    if (metric === 'cos') {
      // The same unit rows as ExactVectorIndex, so the exact scores agree bit for bit.
      rows = rows.slice();
      const norms = rowNorms(rows, size, dim);
      this.zero = Uint8Array.from(norms, (n) => (n === 0 ? 1 : 0));
      normalizeRows(rows, size, dim);
    }
    this.scorer = new QuantizedScorer(rows, size, dim);
    const { residualNorms, codeNorms, rowNorms: norms } = this.scorer.rows;
    // Each pass rounds at most ~dim times relative to Σ|y_t·q_t| ≤ ‖y‖·‖q‖ (γ_dim, Higham
    // 2002 §3.1); four times that covers both passes and the estimate's three f32 roundings.
    const relative = (dim + 32) * 2 ** -22;
    this.boundQ = Float64Array.from(residualNorms, (e, i) => e + relative * norms[i]!);
    this.boundR = codeNorms;
    this.maxBoundQ = max(this.boundQ);
    this.maxBoundR = max(this.boundR);
    this.maxRowNorm = max(norms);
    this.boundAbs = (dim + 16) * 2 ** -140;
    this.approx = new Float32Array(size);
    this.exact = new Float32Array(size);
    this.extra = new Int32Array(size);
    this.mark = new Int32Array(size);
  }

  /** Whether the scans run as WASM SIMD (false: the plain-TypeScript references). */
  get usesWasm(): boolean {
    return this.scorer.usesWasm;
  }

  search(query: Vec, k: number, exclude?: (item: number) => boolean): ScoredList {
    checkQuery(query, this.dim);
    if (this.size === 0 || !(k >= 1)) return EMPTY_LIST;
    const want = Math.min(Math.floor(k), this.size);
    this.stats.searches++;
    const qn = this.metric === 'cos' ? queryNorm(query) : 1;
    if (qn === 0) return EMPTY_LIST;
    const q = this.scorer.prepare(query);
    if (q.scale === 0 || !(this.maxRowNorm * q.norm <= MAX_SCORE_MAGNITUDE)) return this.fullScan(want, qn, exclude);

    const zero = this.zero;
    const skip = zero ? (i: number): boolean => zero[i] === 1 || (exclude !== undefined && exclude(i)) : exclude;
    const approx = this.approx;
    this.scorer.approximate(q, approx);
    const cap = Math.min(this.size, Math.ceil(want * this.params.oversample) + this.params.margin);
    const candidates = topK(approx, cap, skip);
    const heap = newScoreHeap(want);
    this.offerExact(heap, candidates.indices, candidates.indices.length, qn);
    // Fewer than `cap` candidates: every eligible item is one, so the heap holds the answer.
    if (candidates.indices.length < cap) return this.answered(heap, 'certified');
    if (heap.size < want) return this.fullScan(want, qn, exclude);

    const tau = heap.val[0]!;
    const final = this.metric === 'cos' ? (x: number): number => Math.fround(x / qn) : (x: number): number => x;
    const worst = candidates.scores[cap - 1]!;
    const slack = (this.maxBoundQ * q.norm + this.maxBoundR * q.residualNorm + this.boundAbs) * INFLATE;
    if (final(worst + slack) < tau) return this.answered(heap, 'certified');

    // Second pass: every item left out whose upper bound still reaches τ.
    const stamp = ++this.stamp;
    const mark = this.mark;
    for (const i of candidates.indices) mark[i] = stamp;
    const { boundQ, boundR, extra } = this;
    const limit = Math.max(cap, Math.floor(this.size * WIDEN_LIMIT_SHARE));
    let m = 0;
    for (let i = 0; i < this.size; i++) {
      if (mark[i] === stamp || (zero !== null && zero[i] === 1)) continue;
      const upper = approx[i]! + (boundQ[i]! * q.norm + boundR[i]! * q.residualNorm + this.boundAbs) * INFLATE;
      if (final(upper) < tau) continue;
      if (exclude && exclude(i)) continue;
      if (m === limit) return this.fullScan(want, qn, exclude);
      extra[m++] = i;
    }
    this.offerExact(heap, extra, m, qn);
    return this.answered(heap, 'widened');
  }

  /** Re-scores items[0..m) exactly and offers them to the heap, as ExactVectorIndex scores them. */
  private offerExact(heap: ScoreHeap, items: Int32Array, m: number, qn: number): void {
    const exact = this.exact;
    this.scorer.exactRows(items, m, exact);
    const cos = this.metric === 'cos';
    for (let j = 0; j < m; j++) {
      const s = cos ? Math.fround(exact[j]! / qn) : exact[j]!;
      if (s > -Infinity && s < Infinity) offer(heap, s, items[j]!);
    }
  }

  private answered(heap: ScoreHeap, how: 'certified' | 'widened'): ScoredList {
    this.stats[how]++;
    return drain(heap);
  }

  /** ExactVectorIndex.search, on the same f32 rows. */
  private fullScan(k: number, qn: number, exclude?: (item: number) => boolean): ScoredList {
    this.stats.fullScans++;
    const out = this.exact;
    this.scorer.exactAll(out);
    const zero = this.zero;
    if (zero) for (let i = 0; i < this.size; i++) out[i] = zero[i] ? -Infinity : out[i]! / qn;
    return topK(out, k, exclude);
  }
}

function checkParams(p: QuantizedScanParams): QuantizedScanParams {
  if (!(p.oversample >= 1) || !Number.isFinite(p.oversample)) {
    throw new MagpieError('VALIDATION_FAILED', `quantized oversample must be a finite number ≥ 1, got ${p.oversample}`);
  }
  if (!Number.isInteger(p.margin) || p.margin < 0) {
    throw new MagpieError('VALIDATION_FAILED', `quantized margin must be a non-negative integer, got ${p.margin}`);
  }
  return Object.freeze({ oversample: p.oversample, margin: p.margin });
}

function max(values: Float64Array): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}
