/**
 * Candidate sources for a ClickWorld without training models (fast tests): a noisy view of
 * the user's taste, item popularity among the simulated histories, and the newest items.
 */
import { Rng } from '../../../core/index.js';
import type { Candidate } from '../../candidate.js';
import { FeatureAssembler, userProfile, type UserProfile } from '../features.js';
import type { ClickWorld } from './click-world.js';
import type { SimulationSetup } from './simulate.js';

export const SYNTHETIC_SOURCES = ['taste', 'popular', 'fresh'] as const;

export function syntheticSetup(world: ClickWorld, options: { seed: number; historyLength: number; perSource: number; tasteNoise: number }): SimulationSetup {
  const rng = new Rng(options.seed);
  const { users, items } = world.o;
  const histories = Array.from({ length: users }, (_, u) => world.sampleHistory(u, options.historyLength, rng));
  const counts = new Float64Array(items);
  for (const h of histories) for (const i of h) counts[i]!++;
  const noise = Float64Array.from({ length: users * items }, () => options.tasteNoise * rng.normal());
  const profiles: UserProfile[] = histories.map((h) => userProfile(h.map((i) => world.itemIds[i]!), world.attributes));
  const seen = histories.map((h) => new Set(h));
  const assembler = new FeatureAssembler({ sources: SYNTHETIC_SOURCES });

  const top = (u: number, score: (i: number) => number): [number, number][] => {
    const scored: [number, number][] = [];
    for (let i = 0; i < items; i++) if (!seen[u]!.has(i)) scored.push([i, score(i)]);
    return scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, options.perSource);
  };
  return {
    world,
    assembler,
    popularity: (id) => counts[world.itemIndex(id)],
    profile: (u) => profiles[u]!,
    candidatesFor(u: number, now: number): Candidate[] {
      const merged = new Map<number, Candidate>();
      const lists: [string, [number, number][]][] = [
        ['taste', top(u, (i) => world.affinity(u, i) + noise[u * items + i]!)],
        ['popular', top(u, (i) => counts[i]!)],
        ['fresh', top(u, (i) => -Math.max(0, now - world.itemAttributes[i]!.createdAt))],
      ];
      for (const [source, list] of lists) {
        for (const [i, score] of list) {
          const c = merged.get(i);
          if (c) c.sourceScores[source] = score;
          else merged.set(i, { id: world.itemIds[i]!, sourceScores: { [source]: score }, source, reason: source, score: 0 });
        }
      }
      return [...merged.values()];
    },
  };
}
