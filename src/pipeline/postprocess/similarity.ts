import type { ItemAttributes } from '../candidate.js';

/** Similarity of items i and j (indices into the arrays the factory was given), in [0, 1]. */
export type PairSimilarity = (i: number, j: number) => number;

/**
 * Prepares a similarity over one request's items. A factory (not a plain pair function) so an
 * implementation can precompute per item once (interned feature sets here, embedding rows for
 * a content similarity) instead of per pair: MMR asks for up to want × candidates pairs.
 */
export type SimilarityFactory = (ids: readonly string[], attrs: readonly ItemAttributes[]) => PairSimilarity;

/** Adapts a plain pair function (simple, but it cannot precompute). */
export function pairwiseSimilarity(
  fn: (a: { id: string; attrs: ItemAttributes }, b: { id: string; attrs: ItemAttributes }) => number,
): SimilarityFactory {
  return (ids, attrs) => {
    const views = ids.map((id, i) => ({ id, attrs: attrs[i]! }));
    return (i, j) => fn(views[i]!, views[j]!);
  };
}

/**
 * The default: Jaccard similarity |A ∩ B| / |A ∪ B| of the sets categories ∪ tags (a category
 * and a tag with the same name are different features). Features are interned to integers
 * (categories even, tags odd) and kept sorted per item, lazily on an item's first use, since
 * MMR looks at few items beyond the top; a pair then costs one merge of two short Int32Arrays.
 */
export const jaccardSimilarity: SimilarityFactory = (_ids, attrs) => {
  const categoryIds = new Map<string, number>();
  const tagIds = new Map<string, number>();
  const features: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(attrs.length);
  const featuresOf = (i: number): Int32Array => {
    let f = features[i];
    if (f === undefined) {
      const a = attrs[i]!;
      const out = new Int32Array(a.categories.length + a.tags.length);
      let w = 0;
      for (const c of a.categories) out[w++] = 2 * idOf(categoryIds, c);
      for (const t of a.tags) out[w++] = 2 * idOf(tagIds, t) + 1;
      features[i] = f = dedupeSorted(out.sort());
    }
    return f;
  };
  return (i, j) => {
    const a = featuresOf(i);
    const b = featuresOf(j);
    if (a.length === 0 || b.length === 0) return 0;
    let x = 0;
    let y = 0;
    let common = 0;
    while (x < a.length && y < b.length) {
      const u = a[x]!;
      const v = b[y]!;
      if (u === v) {
        common++;
        x++;
        y++;
      } else if (u < v) x++;
      else y++;
    }
    return common / (a.length + b.length - common);
  };
};

function idOf(intern: Map<string, number>, key: string): number {
  let id = intern.get(key);
  if (id === undefined) intern.set(key, (id = intern.size));
  return id;
}

function dedupeSorted(a: Int32Array): Int32Array {
  let w = 0;
  for (let r = 0; r < a.length; r++) if (r === 0 || a[r] !== a[r - 1]) a[w++] = a[r]!;
  return w === a.length ? a : a.subarray(0, w);
}
