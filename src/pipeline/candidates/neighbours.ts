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
      const seeds = seedsOf(input, opts.recent);
      const total = new Map<string, { score: number; best: number; bestSeed: string }>();
      seeds.forEach((seed, rank) => {
        const i = model.items.indexOf(seed);
        if (i < 0) return;
        const found = model.similarItems!(i, opts.perItem);
        const weight = 1 / (rank + 1);
        for (let r = 0; r < found.indices.length; r++) {
          const id = model.items.idAt(found.indices[r]!);
          const s = weight * found.scores[r]!;
          if (!(s > 0) || id === input.anchor || input.blocked(id)) continue;
          const t = total.get(id);
          if (!t) total.set(id, { score: s, best: s, bestSeed: seed });
          else {
            t.score += s;
            if (s > t.best) {
              t.best = s;
              t.bestSeed = seed;
            }
          }
        }
      });
      return [...total]
        .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([id, t]) => candidate(id, opts.name, t.score, reasonFor(input, t.bestSeed)));
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
