import type { Rng, User } from '../../core/index.js';
import { DAY_MS, pick, pickDistinctWeighted, pickWeighted } from './sampling.js';
import { DEMO_GENRES, VOCABULARY, type DemoGenre } from './vocabulary.js';

/** A named demo user with a stable id, for the README and the first curl. */
export interface DemoPersona {
  id: string;
  name: string;
  /** Favourite genres, most loved first. */
  genres: readonly DemoGenre[];
  description: string;
  country: string;
  ageBand: string;
}

export const DEMO_PERSONAS: readonly DemoPersona[] = [
  persona('alice', 'Alice', ['Sci-Fi', 'Fantasy'], 'sci-fi and fantasy fan', 'GB', '25-34'),
  persona('bob', 'Bob', ['Romance', 'Comedy'], 'romance and comedy fan', 'US', '35-44'),
  persona('carol', 'Carol', ['Horror', 'Thriller'], 'horror and thriller fan', 'CA', '18-24'),
  persona('dave', 'Dave', ['Documentary'], 'documentary buff', 'AU', '45-54'),
  persona('erin', 'Erin', ['Animation', 'Musical'], 'animation and musical fan', 'IE', '25-34'),
];

function persona(
  id: string,
  name: string,
  genres: DemoGenre[],
  description: string,
  country: string,
  ageBand: string,
): DemoPersona {
  return { id, name, genres, description, country, ageBand };
}

/** What drives one user's behaviour in the event generator. */
export interface DemoUserProfile {
  id: string;
  persona: boolean;
  favourites: DemoGenre[];
  /** Relative preference among the favourites, aligned with `favourites`. */
  favouriteWeights: number[];
  /** How many items the user interacts with over the event window. */
  activity: number;
  /** Probability that an interaction is with a favourite genre. */
  onTaste: number;
}

const FIRST_NAMES = [
  'Amara', 'Ben', 'Chloe', 'Diego', 'Elif', 'Farah', 'Gus', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Mateo', 'Nia',
  'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wen', 'Xavi', 'Yara', 'Zoe', 'Arjun', 'Bea',
  'Cyrus', 'Dana', 'Emil', 'Freya', 'Goran', 'Ines', 'Jonas', 'Kira', 'Luca', 'Mina', 'Noah', 'Olga', 'Pablo',
  'Ruth', 'Sami', 'Theo', 'Uma', 'Viktor', 'Willa', 'Yusuf',
];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA', 'ES', 'AU', 'NL', 'SE', 'MX', 'IE'];
const COUNTRY_WEIGHTS = [22, 10, 8, 7, 9, 7, 5, 5, 5, 4, 3, 3, 4, 2];
const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55+'];
const AGE_WEIGHTS = [22, 32, 22, 14, 10];
/** How many favourite genres a generated user has: 1, 2 or 3. */
const FAVOURITE_COUNT_WEIGHTS = [3, 5, 2];

const USER_SPAN_MS = 640 * DAY_MS;

export interface DemoPeople {
  users: User[];
  profiles: DemoUserProfile[];
}

/** `count` users in all: the personas first, then u0001, u0002… */
export function generateUsers(rng: Rng, options: { users: number; now: number; windowStart: number }): DemoPeople {
  const users: User[] = [];
  const profiles: DemoUserProfile[] = [];
  const genreWeights = DEMO_GENRES.map((g) => VOCABULARY[g].weight);

  DEMO_PERSONAS.forEach((p, i) => {
    users.push({
      id: p.id,
      attributes: { name: p.name, country: p.country, ageBand: p.ageBand, persona: p.description },
      // Long-standing members, a week apart.
      createdAt: options.windowStart - (400 + 7 * i) * DAY_MS,
    });
    profiles.push({
      id: p.id,
      persona: true,
      favourites: [...p.genres],
      favouriteWeights: p.genres.map((_, k) => (k === 0 ? 1.2 : 1)),
      activity: 30,
      onTaste: 0.96,
    });
  });

  const generated = options.users - DEMO_PERSONAS.length;
  for (let n = 1; n <= generated; n++) {
    const id = `u${String(n).padStart(4, '0')}`;
    const favouriteCount = 1 + pickWeighted(rng, FAVOURITE_COUNT_WEIGHTS);
    const favourites = pickDistinctWeighted(rng, genreWeights, favouriteCount).map((i) => DEMO_GENRES[i]!);
    const name = `${pick(rng, FIRST_NAMES)} ${String.fromCharCode(65 + rng.int(26))}.`;
    users.push({
      id,
      attributes: {
        name,
        country: COUNTRIES[pickWeighted(rng, COUNTRY_WEIGHTS)] ?? 'US',
        ageBand: AGE_BANDS[pickWeighted(rng, AGE_WEIGHTS)] ?? '25-34',
        persona: describeTaste(favourites),
      },
      createdAt: Math.round(options.windowStart - DAY_MS - rng.next() * USER_SPAN_MS),
    });
    // Log-normal activity: most users are casual, a few watch a lot.
    const activity = Math.round(Math.exp(Math.log(19) + 0.6 * rng.normal()));
    profiles.push({
      id,
      persona: false,
      favourites,
      favouriteWeights: favourites.map(() => 0.5 + rng.next()),
      activity: Math.min(150, Math.max(5, activity)),
      onTaste: 0.86 + 0.08 * rng.next(),
    });
  }
  return { users, profiles };
}

/** "sci-fi fan", "horror and thriller fan", "comedy, drama and western fan". */
export function describeTaste(genres: readonly DemoGenre[]): string {
  const names = genres.map((g) => g.toLowerCase());
  const last = names.pop();
  if (last === undefined) return 'casual viewer';
  return names.length === 0 ? `${last} fan` : `${names.join(', ')} and ${last} fan`;
}
