import { drain, newScoreHeap, offer, type ScoredList } from './score-heap.js';

export type { ScoredList };

/**
 * The k highest scores of `scores`, best first, skipping indices for which `skip` answers true
 * and non-finite scores. Ties break towards the lower index so results are deterministic.
 * A size-k min-heap: O(n log k).
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): ScoredList {
  const heap = newScoreHeap(Math.max(0, k));
  if (k <= 0) return drain(heap);
  const n = scores.length;
  // The heap's worst entry, cached: most items lose to it, and this check is the whole hot loop.
  let worstVal = -Infinity;
  let worstIdx = -1;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (heap.size === k && (s < worstVal || (s === worstVal && i > worstIdx))) continue;
    if (!(s > -Infinity) || s === Infinity) continue; // NaN and ±Infinity are not scores
    if (skip && skip(i)) continue;
    offer(heap, s, i);
    if (heap.size === k) {
      worstVal = heap.val[0]!;
      worstIdx = heap.idx[0]!;
    }
  }
  return drain(heap);
}
