import { candidate, modelOf, type CandidateSource, type SourceInput } from './source.js';

export interface NeighbourSourceOptions {
  /** Source name in results (e.g. item-knn, content). */
  name: string;
  /** The role whose model's similarItems are used (similar, content…). */
  role: string;
  /** How many of the user's newest positive items seed the search. */
  recent: number;
  /** Neighbours read per seed item. */
  perItem: number;
}

/**
 * Items similar to what the user touched most recently: each of the `recent` newest positive
 * items contributes its neighbours' similarities, weighted 1, 1/2, 1/3… by recency rank, so the
 * list follows the user's latest actions within one request. The reason names the seed item that
 * contributed most. On an item page (input.anchor) the anchor is the only seed.
 */
export function neighbourSource(opts: NeighbourSourceOptions): CandidateSource {
  return {
    name: opts.name,
    generate(input, limit) {
      const model = modelOf(input, opts.role);
      if (!model?.similarItems) return [];
      const ids = model.items;
      const skip = input.blockedIndex?.(ids) ?? ((j: number): boolean => input.blocked(ids.idAt(j)));
      const anchor = input.anchor === undefined ? -1 : ids.indexOf(input.anchor);
      const seeds = seedsOf(input, opts.recent);
      // By item index: a map of numbers, and an id string only for the items kept.
      const total = new Map<number, { score: number; best: number; bestSeed: string }>();
      seeds.forEach((seed, rank) => {
        const i = ids.indexOf(seed);
        if (i < 0) return;
        const found = model.similarItems!(i, opts.perItem);
        const weight = 1 / (rank + 1);
        for (let r = 0; r < found.indices.length; r++) {
          const j = found.indices[r]!;
          const s = weight * found.scores[r]!;
          if (!(s > 0) || j === anchor) continue;
          const t = total.get(j);
          if (t) {
            t.score += s;
            if (s > t.best) {
              t.best = s;
              t.bestSeed = seed;
            }
          } else if (!skip(j)) total.set(j, { score: s, best: s, bestSeed: seed });
        }
      });
      const attrs = input.attributesIndex?.(ids);
      return [...total]
        .map(([j, t]) => ({ j, id: ids.idAt(j), t }))
        .sort((a, b) => b.t.score - a.t.score || (a.id < b.id ? -1 : 1))
        .slice(0, limit)
        .map(({ j, id, t }) => candidate(id, opts.name, t.score, reasonFor(input, t.bestSeed), attrs?.[j]));
    },
  };
}

function seedsOf(input: SourceInput, recent: number): string[] {
  if (input.anchor !== undefined) return [input.anchor];
  const seeds: string[] = [];
  for (const id of input.history.positives.keys()) {
    if (seeds.length >= recent) break;
    seeds.push(id);
  }
  return seeds;
}

function reasonFor(input: SourceInput, seed: string): string {
  const title = input.title(seed);
  return input.anchor !== undefined ? `similar to "${title}"` : `because you liked "${title}"`;
}
