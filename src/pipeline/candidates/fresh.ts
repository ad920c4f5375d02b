import { candidate, type CandidateSource, type NewestItem, type SourceInput } from './source.js';

const DAY_MS = 86_400_000;

export interface FreshSourceOptions {
  name: string;
  /** Only items created at most this many days ago. */
  maxAgeDays: number;
  /** How many of the newest items are considered before ranking by affinity. */
  scan: number;
}

/**
 * New items, which no trained model knows yet: the newest `scan` items created within
 * maxAgeDays, ranked by how well their categories and tags match the user's history (and
 * onboarding categories), then by recency. A new item is proposed from the moment the catalogue
 * holds it, so it reaches matching users without retraining.
 */
export function freshSource(opts: FreshSourceOptions): CandidateSource {
  return {
    name: opts.name,
    generate(input, limit) {
      const profile = profileOf(input);
      const blocked = input.blockedForUser ?? input.blocked;
      const scored: { item: NewestItem; score: number }[] = [];
      const newest = input.newest();
      const end = Math.min(newest.length, opts.scan);
      for (let n = 0; n < end; n++) {
        const a = newest[n]!;
        const ageDays = (input.now - a.createdAt) / DAY_MS;
        if (ageDays > opts.maxAgeDays) break; // newest first: all later ones are older
        if (blocked(a.id)) continue;
        let affinity = 0;
        for (const c of a.categories) affinity += profile.categories.get(c) ?? 0;
        for (const t of a.tags) affinity += profile.tags.get(t) ?? 0;
        // Recency breaks ties and orders a cold user's list: 1 for a new item, → 0 at maxAgeDays.
        const recency = Math.max(0, 1 - Math.max(0, ageDays) / opts.maxAgeDays);
        scored.push({ item: a, score: affinity + 0.01 * recency });
      }
      scored.sort((x, y) => y.score - x.score || (x.item.id < y.item.id ? -1 : 1));
      return scored.slice(0, limit).map(({ item, score }) => {
        const category = item.categories[0];
        return candidate(item.id, opts.name, score, category ? `new in ${category}` : 'new', item);
      });
    },
  };
}

/** The user's taste: per category and per tag, its share of their history (+ onboarding). */
export interface TasteProfile {
  categories: Map<string, number>;
  tags: Map<string, number>;
}

const profiles = new WeakMap<SourceInput, TasteProfile>();

/**
 * The user's taste as shares of categories and tags over their positive history, plus
 * onboarding categories, each counted as one item of history.
 */
export function profileOf(input: SourceInput): TasteProfile {
  let p = profiles.get(input);
  if (p) return p;
  const categories = new Map<string, number>();
  const tags = new Map<string, number>();
  let n = 0;
  const add = (m: Map<string, number>, key: string): void => void m.set(key, (m.get(key) ?? 0) + 1);
  for (const id of input.history.positives.keys()) {
    const a = input.attributes(id);
    if (!a) continue;
    n++;
    for (const c of a.categories) add(categories, c);
    for (const t of a.tags) add(tags, t);
  }
  for (const c of input.preferredCategories ?? []) {
    n++;
    add(categories, c);
  }
  if (n > 0) for (const m of [categories, tags]) for (const [k, v] of m) m.set(k, v / n);
  profiles.set(input, (p = { categories, tags }));
  return p;
}
