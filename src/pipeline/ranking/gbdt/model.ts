/**
 * A trained forest in flat typed arrays: every tree's nodes one after another, children as
 * absolute node indices, so predicting a row is one tight loop per tree with no objects.
 */
import type { FeatureMatrix } from './binning.js';
import type { ForestArrays } from './forest.js';
import { sigmoid, type ObjectiveName } from './objectives.js';
import { decodeForest, encodeForest } from './serialize.js';
import type { Tree } from './tree-builder.js';

export class GbdtModel {
  /** Children interleaved (left at 2n, right at 2n + 1) for batch prediction's branch-free step. */
  private readonly children: Int32Array;
  /** 1 where a missing value goes right. */
  private readonly missingRight: Int32Array;

  constructor(readonly arrays: ForestArrays) {
    const n = arrays.value.length;
    this.children = new Int32Array(2 * n);
    this.missingRight = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.children[2 * i] = arrays.left[i]!;
      this.children[2 * i + 1] = arrays.right[i]!;
      this.missingRight[i] = arrays.defaultLeft[i] === 1 ? 0 : 1;
    }
  }

  /** Concatenates trees (their node indices made absolute) into one model. */
  static fromTrees(objective: ObjectiveName, featureNames: readonly string[], baseScore: number, trees: readonly Tree[]): GbdtModel {
    const nodes = trees.reduce((n, t) => n + t.value.length, 0);
    const a: ForestArrays = {
      objective,
      featureNames: [...featureNames],
      baseScore,
      roots: new Int32Array(trees.length),
      feature: new Int32Array(nodes),
      threshold: new Float64Array(nodes),
      defaultLeft: new Uint8Array(nodes),
      left: new Int32Array(nodes),
      right: new Int32Array(nodes),
      value: new Float64Array(nodes),
      gain: new Float64Array(nodes),
    };
    let at = 0;
    trees.forEach((t, k) => {
      a.roots[k] = at;
      a.feature.set(t.feature, at);
      a.threshold.set(t.threshold, at);
      a.defaultLeft.set(t.defaultLeft, at);
      a.value.set(t.value, at);
      a.gain.set(t.gain, at);
      for (let i = 0; i < t.value.length; i++) {
        const leaf = t.feature[i]! < 0;
        a.left[at + i] = leaf ? -1 : t.left[i]! + at;
        a.right[at + i] = leaf ? -1 : t.right[i]! + at;
      }
      at += t.value.length;
    });
    return new GbdtModel(a);
  }

  /** The model of the first `trees` rounds (boosting is additive, so this is a prefix). */
  truncated(trees: number): GbdtModel {
    const a = this.arrays;
    const t = Math.max(0, Math.min(trees, a.roots.length));
    const nodes = t < a.roots.length ? a.roots[t]! : a.value.length;
    return new GbdtModel({
      ...a,
      roots: a.roots.slice(0, t),
      feature: a.feature.slice(0, nodes),
      threshold: a.threshold.slice(0, nodes),
      defaultLeft: a.defaultLeft.slice(0, nodes),
      left: a.left.slice(0, nodes),
      right: a.right.slice(0, nodes),
      value: a.value.slice(0, nodes),
      gain: a.gain.slice(0, nodes),
    });
  }

  /** A self-contained binary form; GbdtModel.deserialize gives identical predictions. */
  serialize(): Uint8Array {
    return encodeForest(this.arrays);
  }

  static deserialize(bytes: Uint8Array): GbdtModel {
    return new GbdtModel(decodeForest(bytes));
  }

  get objective(): ObjectiveName {
    return this.arrays.objective;
  }

  get featureNames(): readonly string[] {
    return this.arrays.featureNames;
  }

  get treeCount(): number {
    return this.arrays.roots.length;
  }

  /** The raw score (log-odds for binary) of the row starting at values[offset]. */
  predictRow(values: ArrayLike<number>, offset = 0): number {
    const { roots, feature, threshold, defaultLeft, left, right, value } = this.arrays;
    let sum = this.arrays.baseScore;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t]!;
      for (let f = feature[node]!; f >= 0; f = feature[node]!) {
        const x = values[offset + f]!;
        node = x <= threshold[node]! ? left[node]! : x > threshold[node]! ? right[node]! : defaultLeft[node] === 1 ? left[node]! : right[node]!;
      }
      sum += value[node]!;
    }
    return sum;
  }

  /**
   * Raw scores of every row of a matrix whose columns are this model's features, in order.
   * Tree by tree, four rows walk down in lockstep: their node loads are independent, so the
   * CPU overlaps them (about twice the rows/s of one row at a time); same sums as predictRow.
   */
  predict(m: FeatureMatrix, out = new Float64Array(m.rows)): Float64Array {
    const cols = m.cols;
    if (cols !== this.arrays.featureNames.length) {
      throw new RangeError(`the model has ${this.arrays.featureNames.length} features, the matrix ${cols} columns`);
    }
    const { roots, feature, threshold, value } = this.arrays;
    const kids = this.children;
    const mr = this.missingRight;
    const v = m.values;
    const rows = m.rows;
    out.fill(this.arrays.baseScore, 0, rows);
    // The child of node n for value x is kids[2n + 1] (right) when x > threshold, or when x is
    // NaN and missing goes right; else kids[2n] (left). Written out in place: V8 keeps it tight.
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      let r = 0;
      for (; r + 4 <= rows; r += 4) {
        const o0 = r * cols;
        const o1 = o0 + cols;
        const o2 = o1 + cols;
        const o3 = o2 + cols;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (;;) {
          const f0 = feature[n0]!;
          const f1 = feature[n1]!;
          const f2 = feature[n2]!;
          const f3 = feature[n3]!;
          if ((f0 | f1 | f2 | f3) < 0) {
            // Some reached a leaf: walk the others on one at a time.
            if (f0 < 0 && f1 < 0 && f2 < 0 && f3 < 0) break;
            if (f0 >= 0) {
              const x = v[o0 + f0]!;
              n0 = kids[2 * n0 + (+(x > threshold[n0]!) | (mr[n0]! & +(x !== x)))]!;
            }
            if (f1 >= 0) {
              const x = v[o1 + f1]!;
              n1 = kids[2 * n1 + (+(x > threshold[n1]!) | (mr[n1]! & +(x !== x)))]!;
            }
            if (f2 >= 0) {
              const x = v[o2 + f2]!;
              n2 = kids[2 * n2 + (+(x > threshold[n2]!) | (mr[n2]! & +(x !== x)))]!;
            }
            if (f3 >= 0) {
              const x = v[o3 + f3]!;
              n3 = kids[2 * n3 + (+(x > threshold[n3]!) | (mr[n3]! & +(x !== x)))]!;
            }
            continue;
          }
          const x0 = v[o0 + f0]!;
          const x1 = v[o1 + f1]!;
          const x2 = v[o2 + f2]!;
          const x3 = v[o3 + f3]!;
          n0 = kids[2 * n0 + (+(x0 > threshold[n0]!) | (mr[n0]! & +(x0 !== x0)))]!;
          n1 = kids[2 * n1 + (+(x1 > threshold[n1]!) | (mr[n1]! & +(x1 !== x1)))]!;
          n2 = kids[2 * n2 + (+(x2 > threshold[n2]!) | (mr[n2]! & +(x2 !== x2)))]!;
          n3 = kids[2 * n3 + (+(x3 > threshold[n3]!) | (mr[n3]! & +(x3 !== x3)))]!;
        }
        out[r]! += value[n0]!;
        out[r + 1]! += value[n1]!;
        out[r + 2]! += value[n2]!;
        out[r + 3]! += value[n3]!;
      }
      for (; r < rows; r++) {
        const o = r * cols;
        let n = root;
        for (let f = feature[n]!; f >= 0; f = feature[n]!) {
          const x = v[o + f]!;
          n = kids[2 * n + (+(x > threshold[n]!) | (mr[n]! & +(x !== x)))]!;
        }
        out[r]! += value[n]!;
      }
    }
    return out;
  }

  /** Click probabilities for a binary model (the logistic of the raw score). */
  predictProbability(m: FeatureMatrix): Float64Array {
    const raw = this.predict(m);
    for (let r = 0; r < raw.length; r++) raw[r] = sigmoid(raw[r]!);
    return raw;
  }

  /** Features by total split gain, largest first, with each one's share of the total. */
  featureImportance(): { feature: string; gain: number; share: number }[] {
    const { featureNames, feature: splitFeature, gain } = this.arrays;
    const gainImportance = new Float64Array(featureNames.length);
    for (let i = 0; i < splitFeature.length; i++) if (splitFeature[i]! >= 0) gainImportance[splitFeature[i]!]! += gain[i]!;
    const total = gainImportance.reduce((s, g) => s + g, 0);
    return featureNames
      .map((feature, f) => ({ feature, gain: gainImportance[f]!, share: total > 0 ? gainImportance[f]! / total : 0 }))
      .sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature));
  }
}
