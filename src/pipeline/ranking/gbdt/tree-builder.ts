/**
 * Leaf-wise (best-first) growth of one regression tree on gradient statistics (Ke et al. 2017,
 * LightGBM §2 / Shi 2007): repeatedly split the leaf whose best split reduces the loss most,
 * until `maxLeaves` leaves, `maxDepth`, or no split gains. Leaf values are the Newton step
 * −G / (H + λ) (Chen & Guestrin 2016, eq. 5), shrunk by the learning rate.
 */
import type { BinnedMatrix } from './binning.js';
import { buildHistogram, CELLS, findBestSplit, subtractHistogram, type NodeTotals, type Split, type SplitRule } from './histogram.js';

export interface GrowParams extends SplitRule {
  readonly maxLeaves: number;
  /** 0 = unlimited. */
  readonly maxDepth: number;
  readonly learningRate: number;
}

/**
 * A tree as parallel arrays over its nodes (node 0 is the root). A leaf has feature −1 and its
 * output in `value`; an internal node sends x ≤ threshold (bin ≤ binThreshold) left, NaN to
 * the left when defaultLeft is 1, and everything else right.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  binThreshold: Int32Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Loss reduction of each internal node's split (0 at leaves): the gain importance. */
  gain: Float64Array;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  totals: NodeTotals;
  hist: Float64Array;
  split: Split | null;
}

/**
 * Grows one tree over the rows `rows` (a training subsample, any order) using only `features`.
 * `rows` is reordered in place (rows of a leaf end up contiguous).
 */
export function growTree(
  data: BinnedMatrix,
  grad: Float64Array,
  hess: Float64Array,
  rows: Int32Array,
  features: Int32Array,
  params: GrowParams,
): Tree {
  const nodes = new NodeList();
  const histSize = data.totalBins * CELLS;
  const spare: Float64Array[] = [];
  const newHist = (): Float64Array => spare.pop() ?? new Float64Array(histSize);
  const scratch = new Int32Array(rows.length);

  const rootTotals: NodeTotals = { g: 0, h: 0, c: rows.length };
  for (let k = 0; k < rows.length; k++) {
    rootTotals.g += grad[rows[k]!]!;
    rootTotals.h += hess[rows[k]!]!;
  }
  const rootHist = newHist();
  buildHistogram(data, grad, hess, rows, 0, rows.length, rootHist);
  const root = nodes.add(leafValue(rootTotals, params));
  const canSplit = (depth: number): boolean => params.maxDepth === 0 || depth < params.maxDepth;
  const leaves: Leaf[] = [
    { node: root, start: 0, end: rows.length, depth: 0, totals: rootTotals, hist: rootHist, split: canSplit(0) ? findBestSplit(data, rootHist, rootTotals, features, params) : null },
  ];

  while (leaves.length < params.maxLeaves) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) {
      const s = leaves[i]!.split;
      if (s && (pick < 0 || s.gain > leaves[pick]!.split!.gain)) pick = i;
    }
    if (pick < 0) break;
    const leaf = leaves[pick]!;
    const split = leaf.split!;
    const mid = partition(data, rows, scratch, leaf.start, leaf.end, split);
    const leftNode = nodes.add(leafValue(split.left, params));
    const rightNode = nodes.add(leafValue(split.right, params));
    nodes.makeInternal(leaf.node, split, data.edges[split.feature]!, leftNode, rightNode);

    // Histogram the smaller child; the larger one is parent − smaller, in the parent's buffer.
    const leftSmaller = mid - leaf.start <= leaf.end - mid;
    const small = newHist();
    if (leftSmaller) buildHistogram(data, grad, hess, rows, leaf.start, mid, small);
    else buildHistogram(data, grad, hess, rows, mid, leaf.end, small);
    subtractHistogram(leaf.hist, small);
    const leftHist = leftSmaller ? small : leaf.hist;
    const rightHist = leftSmaller ? leaf.hist : small;
    const depth = leaf.depth + 1;
    const child = (node: number, start: number, end: number, totals: NodeTotals, hist: Float64Array): Leaf => ({
      node,
      start,
      end,
      depth,
      totals,
      hist,
      split: canSplit(depth) ? findBestSplit(data, hist, totals, features, params) : null,
    });
    leaves[pick] = child(leftNode, leaf.start, mid, split.left, leftHist);
    leaves.push(child(rightNode, mid, leaf.end, split.right, rightHist));
    // A leaf that cannot split never needs its histogram again.
    for (const l of [leaves[pick]!, leaves[leaves.length - 1]!]) if (!l.split) spare.push(l.hist);
  }
  return nodes.build();
}

function leafValue(t: NodeTotals, params: GrowParams): number {
  return (-t.g / (t.h + params.lambdaL2)) * params.learningRate;
}

/** Stable partition of rows[start..end) by the split; returns the first right position. */
function partition(data: BinnedMatrix, rows: Int32Array, scratch: Int32Array, start: number, end: number, split: Split): number {
  const { bins, cols } = data;
  const f = split.feature;
  let l = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const row = rows[k]!;
    const b = bins[row * cols + f]!;
    if (b === 0 ? split.defaultLeft : b <= split.bin) rows[l++] = row;
    else scratch[r++] = row;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}

class NodeList {
  private feature: number[] = [];
  private threshold: number[] = [];
  private binThreshold: number[] = [];
  private defaultLeft: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private value: number[] = [];
  private gain: number[] = [];

  add(value: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.binThreshold.push(0);
    this.defaultLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    this.gain.push(0);
    return this.value.length - 1;
  }

  makeInternal(node: number, split: Split, edges: Float64Array, left: number, right: number): void {
    this.feature[node] = split.feature;
    // Bins 1..t hold exactly the values ≤ edges[t − 1]; the last value bin is unbounded.
    this.threshold[node] = split.bin - 1 < edges.length ? edges[split.bin - 1]! : Infinity;
    this.binThreshold[node] = split.bin;
    this.defaultLeft[node] = split.defaultLeft ? 1 : 0;
    this.left[node] = left;
    this.right[node] = right;
    this.value[node] = 0;
    this.gain[node] = split.gain;
  }

  build(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      binThreshold: Int32Array.from(this.binThreshold),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
    };
  }
}

/** Adds the tree's output for every row of the binned matrix to `scores`. */
export function addTreeToBinned(tree: Tree, data: BinnedMatrix, scores: Float64Array): void {
  const { bins, cols } = data;
  for (let r = 0; r < data.rows; r++) {
    let node = 0;
    for (let f = tree.feature[0]!; f >= 0; f = tree.feature[node]!) {
      const b = bins[r * cols + f]!;
      node = (b === 0 ? tree.defaultLeft[node] === 1 : b <= tree.binThreshold[node]!) ? tree.left[node]! : tree.right[node]!;
    }
    scores[r]! += tree.value[node]!;
  }
}
