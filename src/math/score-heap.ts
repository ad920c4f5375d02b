/**
 * A bounded min-heap of (score, index) pairs that keeps the k best seen so far, worst on top.
 * "Better" means a higher score, then a lower index, so every ranking built on it is
 * deterministic. Shared by the dense and the candidate-list top-k.
 */

/** A scored list of dense indices, best first. */
export interface ScoredList {
  indices: Int32Array;
  scores: Float32Array;
}

export interface ScoreHeap {
  readonly val: Float64Array;
  readonly idx: Int32Array;
  size: number;
}

export function newScoreHeap(capacity: number): ScoreHeap {
  return { val: new Float64Array(capacity), idx: new Int32Array(capacity), size: 0 };
}

/** True when (s, i) ranks above (t, j): higher score, then lower index. */
export function ranksAbove(s: number, i: number, t: number, j: number): boolean {
  return s > t || (s === t && i < j);
}

/** Adds (s, i) while the heap is below capacity, or replaces the worst if (s, i) beats it. */
export function offer(heap: ScoreHeap, s: number, i: number): void {
  const { val, idx } = heap;
  if (heap.size < val.length) {
    let pos = heap.size++;
    val[pos] = s;
    idx[pos] = i;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!ranksAbove(val[parent]!, idx[parent]!, val[pos]!, idx[pos]!)) break;
      swap(val, idx, parent, pos);
      pos = parent;
    }
  } else if (val.length > 0 && ranksAbove(s, i, val[0]!, idx[0]!)) {
    val[0] = s;
    idx[0] = i;
    siftDown(val, idx, heap.size);
  }
}

/** Empties the heap into a best-first list. */
export function drain(heap: ScoreHeap): ScoredList {
  const { val, idx } = heap;
  const size = heap.size;
  const indices = new Int32Array(size);
  const scores = new Float32Array(size);
  for (let m = size - 1; m >= 0; m--) {
    indices[m] = idx[0]!;
    scores[m] = val[0]!;
    idx[0] = idx[m]!;
    val[0] = val[m]!;
    siftDown(val, idx, m);
  }
  heap.size = 0;
  return { indices, scores };
}

function siftDown(val: Float64Array, idx: Int32Array, size: number): void {
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    const r = l + 1;
    let worst = pos;
    if (l < size && ranksAbove(val[worst]!, idx[worst]!, val[l]!, idx[l]!)) worst = l;
    if (r < size && ranksAbove(val[worst]!, idx[worst]!, val[r]!, idx[r]!)) worst = r;
    if (worst === pos) return;
    swap(val, idx, pos, worst);
    pos = worst;
  }
}

function swap(val: Float64Array, idx: Int32Array, a: number, b: number): void {
  const tv = val[a]!;
  val[a] = val[b]!;
  val[b] = tv;
  const ti = idx[a]!;
  idx[a] = idx[b]!;
  idx[b] = ti;
}
