import { roleOf, type FeedbackEvent, type FeedbackTypes, type Rng } from '../../core/index.js';
import type { DemoCatalogue } from './catalogue.js';
import type { DemoUserProfile } from './people.js';
import { DAY_MS, MINUTE_MS, WeightedSampler, intBetween, pick, pickWeighted } from './sampling.js';
import { DEMO_GENRES, VOCABULARY, type DemoGenre } from './vocabulary.js';

/** The only feedback types the demo emits. */
export const DEMO_EVENT_TYPES = ['view', 'click', 'like', 'rating', 'purchase', 'share', 'dislike'] as const;
export type DemoEventType = (typeof DEMO_EVENT_TYPES)[number];

/**
 * The meaning the demo data was generated for. It mirrors the engine's default feedback
 * configuration (src/config); data/ may not import config, so it is restated here.
 */
export const DEMO_FEEDBACK_TYPES: FeedbackTypes = {
  view: { role: 'seen', weight: 0 },
  click: { role: 'positive', weight: 1 },
  like: { role: 'positive', weight: 2 },
  share: { role: 'positive', weight: 2 },
  rating: { role: 'positive', weight: 1, minValue: 3 },
  purchase: { role: 'positive', weight: 4 },
  dislike: { role: 'negative', weight: 0 },
};

export const EVENT_WINDOW_DAYS = 90;
export const TRENDING_WINDOW_DAYS = 3;
/** A film filed under a genre as its second category is drawn this much less often for that genre. */
const SECONDARY_GENRE_FACTOR = 0.35;
/** Personas get at least this many positive events, so their taste is unmistakable. */
const PERSONA_MIN_POSITIVES = 20;
/** Relative odds of a 1…5 rating when the film is to the user's taste, and when it is not. */
const ON_TASTE_RATINGS = [0, 0.5, 1.5, 4, 4];
const OFF_TASTE_RATINGS = [3, 3.5, 2.5, 1, 0];

export interface EventOptions {
  now: number;
  users: number;
}

export interface DemoEvents {
  events: FeedbackEvent[];
  /** Items with a burst of activity in the last days. */
  trending: string[];
}

interface Draft {
  user: string;
  item: number;
  type: DemoEventType;
  value: number | null;
  timestamp: number;
}

export function generateEvents(
  rng: Rng,
  catalogue: DemoCatalogue,
  profiles: readonly DemoUserProfile[],
  options: EventOptions,
): DemoEvents {
  const { items, mainGenre, fresh, popularity, rank } = catalogue;
  const now = options.now;
  const windowStart = now - EVENT_WINDOW_DAYS * DAY_MS;
  const drafts: Draft[] = [];

  const pools = new Map<DemoGenre, WeightedSampler<number>>();
  for (const genre of DEMO_GENRES) {
    const members: number[] = [];
    const weights: number[] = [];
    items.forEach((item, i) => {
      if (fresh[i]) return;
      const at = item.categories.indexOf(genre);
      if (at < 0) return;
      // Films added during the window are drawn in proportion to the time they have been on offer,
      // so a recent release does not squeeze 90 days of viewers into its first week.
      const onOffer = Math.min(1, Math.max(0.02, (now - item.createdAt) / (now - windowStart)));
      members.push(i);
      weights.push((popularity[i] ?? 0) * (at === 0 ? 1 : SECONDARY_GENRE_FACTOR) * onOffer);
    });
    pools.set(genre, new WeightedSampler(members, weights));
  }
  const genreWeights = DEMO_GENRES.map((g) => VOCABULARY[g].weight);
  const likesGenreOf = (p: DemoUserProfile, i: number): boolean =>
    (items[i]?.categories ?? []).some((g) => p.favourites.includes(g as DemoGenre));

  // The interaction being emitted: its clock and its count of positive events.
  let t = 0;
  let positives = 0;
  const emit = (user: string, item: number, type: DemoEventType, value: number | null): void => {
    drafts.push({ user, item, type, value, timestamp: Math.min(Math.round(t), now - 1000) });
    if (roleOf({ type, value }, DEMO_FEEDBACK_TYPES) === 'positive') positives++;
    t += 20_000 + rng.int(15 * MINUTE_MS);
  };
  /** One user meeting one item: a view, then whatever the user thought of it. Returns the positives. */
  const interact = (p: DemoUserProfile, i: number, at: number): number => {
    const id = p.id;
    t = at;
    positives = 0;
    emit(id, i, 'view', null);
    if (likesGenreOf(p, i)) {
      if (rng.next() < 0.7) emit(id, i, 'click', null);
      const rated = rng.next() < 0.4;
      if (rated) emit(id, i, 'rating', 1 + pickWeighted(rng, ON_TASTE_RATINGS));
      const liked = rng.next() < 0.35;
      if (liked) emit(id, i, 'like', null);
      if (rng.next() < 0.06) emit(id, i, 'share', null);
      if (rng.next() < 0.12) emit(id, i, 'purchase', null);
      if (!liked && !rated && rng.next() < 0.03) emit(id, i, 'dislike', null);
    } else {
      if (rng.next() < 0.3) emit(id, i, 'click', null);
      const rating = rng.next() < 0.25 ? 1 + pickWeighted(rng, OFF_TASTE_RATINGS) : null;
      if (rating !== null) emit(id, i, 'rating', rating);
      if (rng.next() < 0.05) emit(id, i, 'like', null);
      else if ((rating === null || rating < 3) && rng.next() < 0.3) emit(id, i, 'dislike', null);
    }
    return positives;
  };

  /** A moment in the event window after the item appeared, not too close to now. */
  const momentFor = (i: number): number => {
    const lo = Math.max(windowStart, (items[i]?.createdAt ?? windowStart) + 60 * MINUTE_MS);
    return lo + rng.next() * Math.max(0, now - 10 * MINUTE_MS - lo);
  };

  const seenBy = new Map<string, Set<number>>(profiles.map((p) => [p.id, new Set<number>()]));

  for (const p of profiles) {
    const seen = seenBy.get(p.id) ?? new Set<number>();
    // Personas never touch the most popular films of their genres: a good, obvious recommendation.
    const reserved = new Set<number>();
    if (p.persona) {
      for (const genre of p.favourites) {
        const top = items.flatMap((item, i) => (mainGenre[i] === genre && !item.hidden && !fresh[i] ? [i] : []));
        top.sort((a, b) => (rank[a] ?? 0) - (rank[b] ?? 0));
        for (const i of top.slice(0, Math.min(3, Math.floor(top.length / 6)))) reserved.add(i);
      }
    }
    const onTastePool = p.favourites.reduce((n, g) => n + (pools.get(g)?.size ?? 0), 0) - reserved.size;
    // Nobody watches a whole genre: a fan of a small genre simply watches less.
    const activity = Math.max(1, Math.min(p.activity, Math.floor((onTastePool * 0.6) / p.onTaste)));
    const minPositives = p.persona ? PERSONA_MIN_POSITIVES : 0;

    const offTasteWeights = genreWeights.map((w, g) => (p.favourites.includes(DEMO_GENRES[g]!) ? 0 : w));
    let done = 0;
    let positiveCount = 0;
    for (let attempt = 0; (done < activity || positiveCount < minPositives) && attempt < activity * 20; attempt++) {
      const genre =
        rng.next() < p.onTaste
          ? p.favourites[pickWeighted(rng, p.favouriteWeights)]
          : DEMO_GENRES[pickWeighted(rng, offTasteWeights)];
      const pool = genre === undefined ? undefined : pools.get(genre);
      if (pool === undefined || pool.size === 0) continue;
      const i = pool.draw(rng);
      if (seen.has(i) || reserved.has(i)) continue;
      seen.add(i);
      positiveCount += interact(p, i, momentFor(i));
      done++;
    }
  }

  // Trending: a few well-liked films get a burst of new viewers in the last days.
  const ordinary = profiles.filter((p) => !p.persona);
  const trendCount = Math.max(1, Math.round(items.length / 120));
  const candidates = rng.shuffle(
    items.flatMap((item, i) => (!fresh[i] && !item.hidden && (rank[i] ?? -1) >= 1 && (rank[i] ?? -1) <= 12 ? [i] : [])),
  );
  const trendGenres = new Set<DemoGenre>();
  const trending: number[] = [];
  for (const i of candidates) {
    const genre = mainGenre[i];
    if (trending.length >= trendCount || genre === undefined || trendGenres.has(genre)) continue;
    trendGenres.add(genre);
    trending.push(i);
  }
  const burst = Math.max(5, Math.round(options.users * 0.12));
  for (const i of trending) {
    let added = 0;
    for (let attempt = 0; added < burst && attempt < burst * 30 && ordinary.length > 0; attempt++) {
      const p = pick(rng, ordinary);
      const seen = seenBy.get(p.id);
      if (!seen || seen.has(i) || (!likesGenreOf(p, i) && rng.next() > 0.15)) continue;
      seen.add(i);
      interact(p, i, now - 10 * MINUTE_MS - rng.next() * (TRENDING_WINDOW_DAYS * DAY_MS - 20 * MINUTE_MS));
      added++;
    }
  }

  // Fresh films: a few early viewers for some, none for the rest.
  items.forEach((item, i) => {
    if (!fresh[i] || rng.next() < 0.6) return;
    const viewers = intBetween(rng, 1, 3);
    for (let k = 0, attempt = 0; k < viewers && attempt < 100 && ordinary.length > 0; attempt++) {
      const p = pick(rng, ordinary);
      const seen = seenBy.get(p.id);
      if (!seen || seen.has(i) || !likesGenreOf(p, i)) continue;
      seen.add(i);
      const lo = item.createdAt + 5 * MINUTE_MS;
      interact(p, i, lo + rng.next() * Math.max(0, now - 10 * MINUTE_MS - lo));
      k++;
    }
  });

  // Ids follow time, so a replay in id order is a replay in time order.
  const order = timeOrder(drafts);
  const events = order.map((k, n): FeedbackEvent => {
    const d = drafts[k]!;
    return {
      id: `demo-${String(n + 1).padStart(6, '0')}`,
      user: d.user,
      item: items[d.item]?.id ?? '',
      type: d.type,
      value: d.value,
      timestamp: d.timestamp,
      context: null,
    };
  });
  return { events, trending: trending.map((i) => items[i]?.id ?? '') };
}


/**
 * Draft indices by (timestamp, index). A comparator sort over 30k doubles spends most of the
 * generation time boxing numbers, so when it fits in 53 bits each key packs the time offset and
 * the index into one float and the typed array sorts natively.
 */
function timeOrder(drafts: readonly Draft[]): number[] {
  const slots = 2 ** Math.ceil(Math.log2(drafts.length + 1));
  let start = Infinity;
  let end = -Infinity;
  for (const d of drafts) {
    start = Math.min(start, d.timestamp);
    end = Math.max(end, d.timestamp);
  }
  const span = drafts.length === 0 ? 0 : end - start;
  if (!Number.isSafeInteger((span + 1) * slots) || drafts.some((d) => !Number.isInteger(d.timestamp))) {
    return drafts.map((_, k) => k).sort((a, b) => drafts[a]!.timestamp - drafts[b]!.timestamp || a - b);
  }
  const keys = Float64Array.from(drafts, (d, k) => (d.timestamp - start) * slots + k).sort();
  return Array.from(keys, (key) => key % slots);
}
