/** A scored list of dense indices, best first. */
export interface ScoredList {
  indices: Int32Array;
  scores: Float32Array;
}

/**
 * The k highest scores of `scores`, best first, skipping indices for which `skip` answers true
 * and non-finite scores. Ties break towards the lower index so results are deterministic.
 * A size-k min-heap: O(n log k).
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): ScoredList {
  if (k <= 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  const n = scores.length;
  // The heap's worst entry, cached: most items lose to it, and this check is the whole hot loop.
  let worstVal = -Infinity;
  let worstIdx = -1;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (size === k && (s < worstVal || (s === worstVal && i > worstIdx))) continue;
    if (!(s > -Infinity) || s === Infinity) continue; // NaN and ±Infinity are not scores
    if (skip && skip(i)) continue;
    if (size < k) {
      heapVal[size] = s;
      heapIdx[size] = i;
      siftUp(heapVal, heapIdx, size++);
    } else {
      heapVal[0] = s;
      heapIdx[0] = i;
      siftDown(heapVal, heapIdx, 0, size);
    }
    if (size === k) {
      worstVal = heapVal[0]!;
      worstIdx = heapIdx[0]!;
    }
  }
  // Pop worst-first into the output from the end.
  const indices = new Int32Array(size);
  const out = new Float32Array(size);
  for (let m = size - 1; m >= 0; m--) {
    indices[m] = heapIdx[0]!;
    out[m] = heapVal[0]!;
    heapVal[0] = heapVal[m]!;
    heapIdx[0] = heapIdx[m]!;
    siftDown(heapVal, heapIdx, 0, m);
  }
  return { indices, scores: out };
}

/** True when (s, i) ranks above (t, j): higher score, then lower index. */
function better(s: number, i: number, t: number, j: number): boolean {
  return s > t || (s === t && i < j);
}

function siftUp(val: Float64Array, idx: Int32Array, pos: number): void {
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    if (!better(val[parent]!, idx[parent]!, val[pos]!, idx[pos]!)) break;
    swap(val, idx, parent, pos);
    pos = parent;
  }
}

function siftDown(val: Float64Array, idx: Int32Array, pos: number, size: number): void {
  for (;;) {
    const l = 2 * pos + 1;
    const r = l + 1;
    let worst = pos;
    if (l < size && better(val[worst]!, idx[worst]!, val[l]!, idx[l]!)) worst = l;
    if (r < size && better(val[worst]!, idx[worst]!, val[r]!, idx[r]!)) worst = r;
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
