import { drain, newScoreHeap, offer, type ScoredList } from './score-heap.js';

/**
 * The k best of a candidate list: candidates[0..count) are indices into the dense `scores`
 * array (e.g. the entries an accumulation touched). Best first; ties towards the lower index;
 * non-finite scores skipped. O(count log k) — the dense topK would cost O(all items) instead,
 * which dominates when building one neighbour list per item.
 */
export function topKOfCandidates(
  candidates: Int32Array,
  count: number,
  scores: Float64Array | Float32Array,
  k: number,
): ScoredList {
  const heap = newScoreHeap(Math.max(0, Math.min(k, count)));
  for (let c = 0; c < count; c++) {
    const i = candidates[c]!;
    const s = scores[i]!;
    if (s > -Infinity && s < Infinity) offer(heap, s, i);
  }
  return drain(heap);
}
