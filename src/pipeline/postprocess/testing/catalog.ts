import { Rng } from '../../../core/index.js';
import type { AttributeLookup, Candidate, ItemAttributes } from '../../candidate.js';

export const DAY = 86_400_000;
export const NOW = Date.UTC(2025, 0, 31);

/** Item attributes with defaults: a movie in no category, created 100 days before NOW. */
export function item(over: Partial<ItemAttributes> = {}): ItemAttributes {
  return { kind: 'movie', categories: [], tags: [], numeric: {}, createdAt: NOW - 100 * DAY, hidden: false, ...over };
}

export function lookupOf(items: Record<string, ItemAttributes>): AttributeLookup {
  const map = new Map(Object.entries(items));
  return (id) => map.get(id);
}

export function cand(id: string, score: number, source = 'als', reason = `because of ${id}`): Candidate {
  return { id, score, source, reason, sourceScores: { [source]: score } };
}

/**
 * A synthetic catalogue for composed tests: `n` items over `categories` categories (the ranker
 * favours runs of one category, as a collaborative model does for a user with one taste), some
 * fresh items proposed by the "fresh" source, a few tags, and a price.
 */
export function syntheticCatalogue(n: number, seed = 7, categories = 6): { attrs: Record<string, ItemAttributes>; candidates: Candidate[] } {
  const rng = new Rng(seed);
  const attrs: Record<string, ItemAttributes> = {};
  const candidates: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const id = `i${String(i).padStart(4, '0')}`;
    // Scores fall with i; the category changes only every 8 items, so plain sorting gives runs.
    const cat = `c${Math.floor(i / 8) % categories}`;
    const fresh = rng.next() < 0.1;
    attrs[id] = item({
      categories: [cat],
      tags: [`t${rng.int(10)}`, `t${rng.int(10)}`],
      numeric: { price: 5 + rng.int(50) },
      createdAt: fresh ? NOW - rng.int(5) * DAY : NOW - (30 + rng.int(500)) * DAY,
      kind: rng.next() < 0.2 ? 'short' : 'movie',
    });
    const source = fresh ? 'fresh' : 'als';
    candidates.push({ id, score: 10 - i * 0.01 + rng.next() * 0.001, source, reason: `reason ${id}`, sourceScores: { [source]: 1 } });
  }
  return { attrs, candidates };
}
