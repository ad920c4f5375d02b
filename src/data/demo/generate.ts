import { MagpieError, type FeedbackEvent, type Item, type User } from '../../core/index.js';
import { generateCatalogue } from './catalogue.js';
import { EVENT_WINDOW_DAYS, generateEvents } from './events.js';
import { DEMO_PERSONAS, generateUsers } from './people.js';
import { DAY_MS, phaseRng } from './sampling.js';

export interface DemoDataOptions {
  /** Same seed and same `now` ⇒ the same data, byte for byte. */
  seed?: number;
  /**
   * The reference time in ms: events fall in the 90 days before it, fresh items in the last 3.
   * Required, so the data never depends on the wall clock.
   */
  now: number;
  /** Users in all, the personas included. */
  users?: number;
  items?: number;
}

export interface DemoData {
  users: User[];
  items: Item[];
  /** Ordered by timestamp; ids demo-000001… follow that order. */
  events: FeedbackEvent[];
}

export const DEMO_DEFAULTS = { seed: 42, users: 500, items: 600 } as const;

/**
 * A self-contained movie data set for `magpie serve --demo` and for tests: a catalogue whose
 * titles, synopses and tags read like their genres, users with one to three favourite genres
 * (plus the named personas of DEMO_PERSONAS) and 90 days of feedback shaped by those tastes,
 * with popularity skew, a few trending films and some brand-new ones.
 */
export function generateDemoData(options: DemoDataOptions): DemoData {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const userCount = options.users ?? DEMO_DEFAULTS.users;
  const itemCount = options.items ?? DEMO_DEFAULTS.items;
  const now = options.now;
  if (!Number.isSafeInteger(now) || now < 0) invalid('now must be a whole number of ms since the epoch', { now });
  if (!Number.isInteger(seed)) invalid('seed must be an integer', { seed });
  const minUsers = DEMO_PERSONAS.length + 10;
  if (!Number.isInteger(userCount) || userCount < minUsers) {
    invalid(`users must be an integer ≥ ${minUsers}`, { users: userCount });
  }
  if (!Number.isInteger(itemCount) || itemCount < 60) invalid('items must be an integer ≥ 60', { items: itemCount });

  const catalogue = generateCatalogue(phaseRng(seed, 1), { items: itemCount, now });
  const windowStart = now - EVENT_WINDOW_DAYS * DAY_MS;
  const people = generateUsers(phaseRng(seed, 2), { users: userCount, now, windowStart });
  const { events } = generateEvents(phaseRng(seed, 3), catalogue, people.profiles, { now, users: userCount });
  return { users: people.users, items: catalogue.items, events };
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new MagpieError('VALIDATION_FAILED', `generateDemoData: ${message}`, details);
}
