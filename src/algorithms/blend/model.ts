import { MagpieError, type IdIndex } from '../../core/index.js';
import type { ScoredList } from '../../math/index.js';
import { decodeModel, encodeModel } from '../shared/model-bundle.js';
import type { Algorithm, Model, UserQuery } from '../types.js';
import { blendParamsSchema, type BlendParams } from './params.js';

export const BLEND = 'blend';
const FORMAT = 1;

/**
 * A weighted sum of its components' scores, each standardised per query over the catalogue
 * (z-score: minus its mean, over its standard deviation), so models on different scales (dot
 * products, summed similarities) add up meaningfully. Non-finite scores count as the
 * component's minimum. Similar items and explanations come from the first component that has them.
 */
export class BlendModel implements Model {
  readonly algorithm = BLEND;
  private scratch: Float32Array;

  constructor(
    readonly params: Readonly<BlendParams>,
    readonly items: IdIndex,
    readonly components: readonly Model[],
  ) {
    this.scratch = new Float32Array(items.size);
  }

  /** The components are trained on the same data: their rows are the same users. */
  userRow(user: string, query: UserQuery): number {
    const model = this.components.find((m) => m.userRow);
    return model?.userRow ? model.userRow(user, query) : -1;
  }

  scoreUser(query: UserQuery, out: Float32Array): void {
    out.fill(0, 0, this.items.size);
    const s = this.scratch;
    this.components.forEach((model, c) => {
      model.scoreUser(query, s);
      addStandardised(s, this.params.components[c]!.weight, out);
    });
  }

  similarItems(item: number, k: number): ScoredList {
    const model = this.components.find((m) => m.similarItems);
    return model?.similarItems ? model.similarItems(item, k) : { indices: new Int32Array(0), scores: new Float32Array(0) };
  }

  explain(query: UserQuery, item: number): number {
    const model = this.components.find((m) => m.explain);
    return model?.explain ? model.explain(query, item) : -1;
  }

  serialize(): Uint8Array {
    return encodeModel({
      algorithm: BLEND,
      format: FORMAT,
      params: this.params,
      extra: {},
      items: this.items,
      arrays: Object.fromEntries(this.components.map((m, c) => [`component${c}`, m.serialize()])),
    });
  }

  static deserialize(bytes: Uint8Array, lookup: (name: string) => Algorithm): BlendModel {
    const m = decodeModel(bytes, BLEND, FORMAT, blendParamsSchema);
    const components = m.params.components.map((spec, c) => {
      const part = m.bundle.arrays[`component${c}`];
      if (!(part instanceof Uint8Array)) throw new MagpieError('CORRUPT_MODEL', `blend model lacks component ${c}`);
      return lookup(spec.algorithm).deserialize(part);
    });
    return new BlendModel(m.params, m.items, components);
  }
}

/** out += weight · (s − mean(s)) / std(s); a constant s adds nothing. */
export function addStandardised(s: Float32Array, weight: number, out: Float32Array): void {
  const n = s.length;
  let min = Infinity;
  for (let i = 0; i < n; i++) if (Number.isFinite(s[i]!) && s[i]! < min) min = s[i]!;
  if (min === Infinity) return;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = Number.isFinite(s[i]!) ? s[i]! : min;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  if (!(std > 0)) return;
  const scale = weight / std;
  for (let i = 0; i < n; i++) {
    const v = Number.isFinite(s[i]!) ? s[i]! : min;
    out[i] = out[i]! + (v - mean) * scale;
  }
}
