import type { Item, Rng } from '../../core/index.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, apportion, pick } from './sampling.js';
import { DEMO_GENRES, VOCABULARY, type DemoGenre, type GenreVocabulary } from './vocabulary.js';

/** The demo movie catalogue plus what the event generator needs to know about it. */
export interface DemoCatalogue {
  /** Ordered by createdAt; ids m0001… follow that order. */
  items: Item[];
  /** Main genre of items[i] (also items[i].categories[0]). */
  mainGenre: DemoGenre[];
  /** Items added in the last few days: kept out of the ordinary event stream. */
  fresh: boolean[];
  /**
   * Zipf-like popularity of items[i] within its main genre: 1 / rank (Zipf 1949, exponent 1).
   * 0 for fresh items.
   */
  popularity: number[];
  /** Rank of items[i] within its main genre by popularity, 0 = most popular; -1 for fresh items. */
  rank: number[];
}

export interface CatalogueOptions {
  items: number;
  now: number;
  /** Share of the catalogue added in the last three days. */
  freshShare?: number;
  hidden?: number;
}

const CATALOGUE_SPAN_MS = 730 * DAY_MS;
const FRESH_SPAN_MS = 3 * DAY_MS;
const SECONDARY_GENRE_SHARE = 0.4;

export function generateCatalogue(rng: Rng, options: CatalogueOptions): DemoCatalogue {
  const { items: count, now } = options;
  const weights = DEMO_GENRES.map((g) => VOCABULARY[g].weight);
  const perGenre = apportion(count, weights);
  const genres: DemoGenre[] = [];
  DEMO_GENRES.forEach((g, i) => {
    for (let k = 0; k < (perGenre[i] ?? 0); k++) genres.push(g);
  });
  rng.shuffle(genres);

  // Fresh items cycle through the genres, so every taste finds something new.
  const freshCount = Math.max(1, Math.round(count * (options.freshShare ?? 0.025)));
  const isFresh = new Array<boolean>(count).fill(false);
  const cycle = rng.shuffle([...DEMO_GENRES]);
  for (let j = 0; j < freshCount; j++) {
    const genre = cycle[j % cycle.length];
    let at = genres.findIndex((g, i) => g === genre && !isFresh[i]);
    if (at < 0) at = isFresh.indexOf(false);
    isFresh[at] = true;
  }

  const drafts = genres.map((genre, i) => {
    const fresh = isFresh[i] === true;
    const age = fresh
      ? 30 * MINUTE_MS + rng.next() * (FRESH_SPAN_MS - HOUR_MS)
      : FRESH_SPAN_MS + rng.next() * CATALOGUE_SPAN_MS;
    return { genre, fresh, createdAt: Math.round(now - age) };
  });
  drafts.sort((a, b) => a.createdAt - b.createdAt);

  const nowYear = new Date(now).getUTCFullYear();
  const usedTitles = new Set<string>();
  const items = drafts.map((d, i) =>
    composeItem(rng, `m${String(i + 1).padStart(4, '0')}`, d.genre, d.createdAt, d.fresh, nowYear, usedTitles),
  );
  const mainGenre = drafts.map((d) => d.genre);
  const fresh = drafts.map((d) => d.fresh);

  // Popularity: a random order inside each genre, weight 1 / rank.
  const popularity = new Array<number>(count).fill(0);
  const rank = new Array<number>(count).fill(-1);
  for (const genre of DEMO_GENRES) {
    const members = rng.shuffle(mainGenre.flatMap((g, i) => (g === genre && !fresh[i] ? [i] : [])));
    members.forEach((itemIndex, r) => {
      popularity[itemIndex] = 1 / (r + 1);
      rank[itemIndex] = r;
    });
  }

  // A couple of withdrawn titles: they keep their history but must never be recommended.
  const hiddenCount = options.hidden ?? Math.max(1, Math.round(count / 300));
  const hideable = items.flatMap((_, i) => (!fresh[i] && (rank[i] ?? 0) >= 3 ? [i] : []));
  for (let k = 0; k < hiddenCount && hideable.length > 0; k++) {
    const at = rng.int(hideable.length);
    const item = items[hideable[at]!];
    hideable.splice(at, 1);
    if (item) item.hidden = true;
  }

  return { items, mainGenre, fresh, popularity, rank };
}

function composeItem(
  rng: Rng,
  id: string,
  genre: DemoGenre,
  createdAt: number,
  fresh: boolean,
  nowYear: number,
  usedTitles: Set<string>,
): Item {
  const v = VOCABULARY[genre];
  const second: DemoGenre | null = rng.next() < SECONDARY_GENRE_SHARE ? pick(rng, v.related) : null;
  const plot = pick(rng, v.plots);
  let text = `${capitalise(pick(rng, v.heroes))} ${plot[0]} ${pick(rng, v.stakes)}`;
  const closerFrom = second !== null && rng.next() < 0.5 ? VOCABULARY[second] : v;
  if (rng.next() < 0.7) text += ` ${pick(rng, closerFrom.closers)}`;

  const tags = [plot[1]];
  const extra = 1 + rng.int(2);
  for (let k = 0; k < extra; k++) tags.push(pick(rng, v.tags));
  if (second !== null) tags.push(pick(rng, VOCABULARY[second].tags));

  const lastYear = Math.min(v.years[1], nowYear);
  const year = fresh ? nowYear - rng.int(2) : v.years[0] + rng.int(lastYear - v.years[0] + 1);
  const runtime = Math.round(v.runtime[0] + v.runtime[1] * rng.normal());

  return {
    id,
    kind: 'movie',
    title: uniqueTitle(rng, v, usedTitles),
    text,
    categories: second === null ? [genre] : [genre, second],
    tags: [...new Set(tags)],
    numeric: { year, runtimeMinutes: Math.min(210, Math.max(70, runtime)) },
    embedding: null,
    createdAt,
    hidden: false,
  };
}

function uniqueTitle(rng: Rng, v: GenreVocabulary, used: Set<string>): string {
  let title = composeTitle(rng, v);
  for (let attempt = 0; used.has(title) && attempt < 40; attempt++) title = composeTitle(rng, v);
  // Still taken: it becomes a sequel.
  const base = title;
  for (let n = 2; used.has(title); n++) title = `${base} ${ROMAN[n] ?? n}`;
  used.add(title);
  return title;
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];

function composeTitle(rng: Rng, v: GenreVocabulary): string {
  const pattern = pick(rng, v.titles);
  const noun = pick(rng, v.nouns);
  let other = pick(rng, v.nouns);
  while (other === noun) other = pick(rng, v.nouns);
  const title = pattern
    .replace('{A}', pick(rng, v.adjectives))
    .replace('{N}', noun)
    .replace('{M}', other)
    .replace('{P}', pick(rng, v.places));
  // "A Outlaw for…" → "An Outlaw for…"; "the Amazon: …" → "The Amazon: …".
  return capitalise(title.replace(/\bA (?=[AEIOU])/g, 'An '));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
