import { MagpieError } from '../../core/index.js';
import type { Vec } from '../blas.js';
import { normalizeRows, rowNorms } from '../normalize.js';
import { drain, newScoreHeap, offer, type ScoreHeap, type ScoredList } from '../score-heap.js';
import { topK } from '../topk.js';
import { QuantizedScorer } from '../wasm/index.js';
import type { QuantizedScanParams, VectorIndex, VectorMetric } from './types.js';
import { checkQuery, checkVectors, EMPTY_LIST, queryNorm } from './vectors.js';

/**
 * Candidate counts. On 41k clustered vectors × 128 (k = 200, 85 searches) oversample 1 / 1.5 /
 * 2 / 3 settled 16 % / 69 % / 91 % / 100 % of the searches in the first pass, at median 1.03 /
 * 0.73 / 0.59 / 0.71 ms; on Gowalla iALS factors oversample 2 settles all of them
 * (bench/quantized.mts --gowalla).
 */
export const DEFAULT_QUANTIZED_PARAMS: Readonly<QuantizedScanParams> = Object.freeze({ oversample: 2, margin: 16 });

/** Above this many extra items to re-score, one plain f32 scan of everything is cheaper. */
const WIDEN_LIMIT_SHARE = 1 / 8;
/** Estimates sampled per search to set the candidates' threshold (sorting them: ~20 µs). */
const SAMPLE_SIZE = 1024;
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
 * 1. Every item is scored approximately from its int8 codes (assembly/quantized.ts), and about
 *    the best k·oversample + margin — at least that many, cut at a threshold read off a sample
 *    of the estimates — are kept (skipping `exclude`d items).
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
  /** Estimates sampled at a fixed stride, to pick the candidates' threshold from. */
  private readonly sample: Float32Array;
  private readonly candidates: Int32Array;
  private readonly exact: Float32Array;
  private readonly extra: Int32Array;
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
    const { residualNorms, codeNorms, rowNorms: norms } = this.scorer;
    // Each pass rounds at most ~dim times relative to Σ|y_t·q_t| ≤ ‖y‖·‖q‖ (γ_dim, Higham
    // 2002 §3.1); four times that covers both passes and the estimate's three f32 roundings.
    const relative = (dim + 32) * 2 ** -22;
    this.boundQ = Float64Array.from(residualNorms, (e, i) => e + relative * norms[i]!);
    this.boundR = codeNorms;
    this.maxBoundQ = max(this.boundQ);
    this.maxBoundR = max(this.boundR);
    this.maxRowNorm = max(norms);
    this.boundAbs = (dim + 16) * 2 ** -140;
    this.sample = new Float32Array(Math.min(size, SAMPLE_SIZE));
    this.candidates = new Int32Array(size);
    this.exact = new Float32Array(size);
    this.extra = new Int32Array(size);
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

    const approx = this.scorer.approximate(q);
    const cap = Math.min(this.size, Math.ceil(want * this.params.oversample) + this.params.margin);
    const picked = this.pickCandidates(approx, cap, exclude);
    if (picked === null) return this.fullScan(want, qn, exclude);
    const { count, floor } = picked;
    const heap = newScoreHeap(want);
    this.offerExact(heap, this.candidates, count, qn);
    // Every eligible item is a candidate: the heap holds the answer.
    if (floor === -Infinity) return this.answered(heap, 'certified');
    if (heap.size < want) return this.fullScan(want, qn, exclude);

    // τ: the k-th best exact score so far. An item left out can still enter only if its
    // estimate plus its error bound reaches τ (in the metric's final f32 value).
    const tau = heap.val[0]!;
    const final = this.metric === 'cos' ? (x: number): number => Math.fround(x / qn) : (x: number): number => x;
    const maxSlack = (this.maxBoundQ * q.norm + this.maxBoundR * q.residualNorm + this.boundAbs) * INFLATE;
    if (final(floor + maxSlack) < tau) return this.answered(heap, 'certified');

    // Below `cut` even the largest bound cannot reach τ (for cos with room for the rounding).
    const cut = (this.metric === 'cos' ? tau * qn - (Math.abs(tau) * 2 ** -20 + 2 ** -120) * qn : tau) - maxSlack;
    const { boundQ, boundR, extra, zero } = this;
    // Items above floor are candidates or excluded already; the f32 bound just under cut.
    const unsure = this.scorer.collect(Math.fround(cut - Math.abs(cut) * 2 ** -20 - 2 ** -126), floor);
    if (unsure.length > Math.max(cap, Math.floor(this.size * WIDEN_LIMIT_SHARE))) return this.fullScan(want, qn, exclude);
    let m = 0;
    for (const i of unsure) {
      const s = approx[i]!;
      const upper = s + (boundQ[i]! * q.norm + boundR[i]! * q.residualNorm + this.boundAbs) * INFLATE;
      if (final(upper) < tau || (zero !== null && zero[i] === 1) || (exclude && exclude(i))) continue;
      extra[m++] = i;
    }
    this.offerExact(heap, extra, m, qn);
    return this.answered(heap, 'widened');
  }

  /**
   * Fills this.candidates with the eligible items whose estimate is above a threshold read off
   * a sorted sample of the estimates, lowering it (doubling the count wanted) until `cap` are
   * in or every item is. Answers how many and the final threshold (`floor`; every item left out
   * has an estimate ≤ floor, −∞ when none is), or null when so many items tie that a plain scan
   * is cheaper. A sample sort and a SIMD comparison pass instead of a size-cap heap, which at
   * cap ≈ 400 costs more than the int8 kernel itself.
   */
  private pickCandidates(approx: Float32Array, cap: number, exclude?: (item: number) => boolean): { count: number; floor: number } | null {
    const { candidates, zero, size, sample } = this;
    const stride = size / sample.length;
    for (let j = 0; j < sample.length; j++) sample[j] = approx[Math.floor(j * stride)]!;
    sample.sort();
    const limit = Math.max(cap, Math.floor(size * WIDEN_LIMIT_SHARE));
    let count = 0;
    let taken = 0;
    let ceiling = Infinity;
    let floor = Infinity;
    let rank = 0;
    while (floor > -Infinity && count < cap) {
      // The sample value with about `total` estimates above it, a quarter more for safety;
      // each round at least doubles what was taken, and always reaches lower.
      const total = taken + Math.max(cap - count, taken);
      rank = Math.max(rank + 1, Math.ceil((1.25 * total * sample.length) / size) + 1);
      while (rank <= sample.length && sample[sample.length - rank]! >= ceiling) rank++; // ties
      floor = rank > sample.length ? -Infinity : sample[sample.length - rank]!;
      const found = this.scorer.collect(floor, ceiling);
      taken += found.length;
      if (count + found.length > limit) return null;
      for (const i of found) {
        if ((zero !== null && zero[i] === 1) || (exclude && exclude(i))) continue;
        candidates[count++] = i;
      }
      ceiling = floor;
    }
    return { count, floor };
  }

  /** Re-scores items[0..m) exactly and offers them to the heap, as ExactVectorIndex scores them. */
  private offerExact(heap: ScoreHeap, items: Int32Array, m: number, qn: number): void {
    const exact = this.exact;
    this.scorer.exactRows(items, m, exact);
    const cos = this.metric === 'cos';
    const cap = heap.val.length;
    for (let j = 0; j < m; j++) {
      const s = cos ? Math.fround(exact[j]! / qn) : exact[j]!;
      if (!(s > -Infinity && s < Infinity)) continue;
      // Most candidates lose to the heap's worst entry: check that before offering.
      if (heap.size === cap && (s < heap.val[0]! || (s === heap.val[0]! && items[j]! > heap.idx[0]!))) continue;
      offer(heap, s, items[j]!);
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
