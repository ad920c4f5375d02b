import { topK } from '../../math/index.js';
import type { Model } from '../../algorithms/index.js';
import { candidate, modelOf, type CandidateSource, type SourceInput } from './source.js';
import type { ItemAttributes } from '../candidate.js';

// A non-personalised model ranks every user the same way: sort once per model.
const rankings = new WeakMap<Model, { order: Int32Array; scores: Float32Array }>();

/** A non-personalised model's items, best first (only positive scores), and every item's score. */
export function rankingOf(model: Model): { order: Int32Array; scores: Float32Array } {
  let r = rankings.get(model);
  if (!r) {
    const scores = new Float32Array(model.items.size);
    model.scoreUser({ user: -1, items: new Int32Array(0), weights: new Float32Array(0) }, scores);
    const top = topK(scores, model.items.size);
    const order = top.indices.filter((i) => scores[i]! > 0);
    rankings.set(model, (r = { order, scores }));
  }
  return r;
}

export interface RankedSourceOptions {
  name: string;
  /** The role of a non-personalised model (popular, trending). */
  role: string;
  /**
   * Only items in the user's onboarding categories (input.preferredCategories): the popular
   * items of the user's segment, for cold users. Proposes nothing for a user without them.
   */
  segment?: boolean | undefined;
  /** The reason, given the item's first category (or the segment's matching category). */
  reason: (category: string | undefined) => string;
}

/** The head of a non-personalised ranking (popular, trending), through the request's blocks. */
export function rankedSource(opts: RankedSourceOptions): CandidateSource {
  return {
    name: opts.name,
    generate(input, limit) {
      const model = modelOf(input, opts.role);
      if (!model) return [];
      const segment = opts.segment ? input.preferredCategories ?? [] : null;
      if (segment && segment.length === 0) return [];
      const { order, scores } = rankingOf(model);
      const ids = model.items;
      const skip = input.blockedIndex?.(ids) ?? ((i: number): boolean => input.blocked(ids.idAt(i)));
      const attrs = input.attributesIndex?.(ids);
      const out = [];
      for (let r = 0; r < order.length && out.length < limit; r++) {
        const i = order[r]!;
        if (skip(i)) continue;
        const id = ids.idAt(i);
        const a = attrs ? attrs[i] : input.attributes(id);
        const category = segment ? matchingCategory(a, segment) : a?.categories[0];
        if (segment && category === undefined) continue;
        out.push(candidate(id, opts.name, scores[i]!, opts.reason(category), a));
      }
      return out;
    },
    scoreItems(input, wanted) {
      const model = modelOf(input, opts.role);
      if (!model || opts.segment) return wanted.map(() => undefined);
      const { scores } = rankingOf(model);
      return wanted.map((id) => {
        const i = model.items.indexOf(id);
        return i < 0 || !(scores[i]! > 0) ? undefined : scores[i];
      });
    },
  };
}

function matchingCategory(attrs: ItemAttributes | undefined, wanted: readonly string[]): string | undefined {
  const categories = attrs?.categories ?? [];
  return wanted.find((c) => categories.includes(c));
}
