import { describe, expect, it } from 'vitest';
import { MagpieError, roleOf, type FeedbackEvent, type Item } from '../../core/index.js';
import {
  DEMO_EVENT_TYPES,
  DEMO_FEEDBACK_TYPES,
  DEMO_GENRES,
  DEMO_PERSONAS,
  generateDemoData,
  type DemoData,
} from './index.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const data = generateDemoData({ now: NOW });
const itemById = new Map(data.items.map((i) => [i.id, i]));

const isPositive = (e: FeedbackEvent): boolean => roleOf(e, DEMO_FEEDBACK_TYPES) === 'positive';
const itemOf = (e: FeedbackEvent): Item => {
  const item = itemById.get(e.item);
  if (!item) throw new Error(`unknown item ${e.item}`);
  return item;
};
const countBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
};
/** "horror, drama and western fan" → ['Horror', 'Drama', 'Western']. */
const favouritesOf = (description: string): string[] =>
  description
    .replace(/ fan$/, '')
    .split(/, | and /)
    .map((name) => DEMO_GENRES.find((g) => g.toLowerCase() === name) ?? `?${name}`);

describe('generateDemoData', () => {
  it('is deterministic for a seed and a reference time, and differs across seeds', () => {
    expect(generateDemoData({ now: NOW })).toEqual(data);
    expect(generateDemoData({ now: NOW, seed: 42, users: 500, items: 600 })).toEqual(data);
    const other = generateDemoData({ now: NOW, seed: 7 });
    expect(other.items.map((i) => i.title)).not.toEqual(data.items.map((i) => i.title));
    expect(other.events.map((e) => `${e.user}:${e.item}`)).not.toEqual(data.events.map((e) => `${e.user}:${e.item}`));
  });

  it('has the requested sizes and unique ids', () => {
    expect(data.users).toHaveLength(500);
    expect(data.items).toHaveLength(600);
    expect(data.events.length).toBeGreaterThanOrEqual(25_000);
    expect(data.events.length).toBeLessThanOrEqual(40_000);
    expect(new Set(data.users.map((u) => u.id)).size).toBe(500);
    expect(new Set(data.items.map((i) => i.id)).size).toBe(600);
    expect(new Set(data.events.map((e) => e.id)).size).toBe(data.events.length);
    expect(data.users.filter((u) => /^u\d{4}$/.test(u.id))).toHaveLength(500 - DEMO_PERSONAS.length);
    expect(data.events.every((e) => /^demo-\d{6}$/.test(e.id))).toBe(true);
    const other = generateDemoData({ now: NOW, users: 120, items: 150 });
    expect([other.users.length, other.items.length]).toEqual([120, 150]);
  });

  it('references only existing users and items, in time order, inside the 90-day window', () => {
    const userById = new Map(data.users.map((u) => [u.id, u]));
    // Collect the offenders and compare once: 30k expect() calls take seconds.
    const problems: string[] = [];
    let previous = -Infinity;
    for (const e of data.events) {
      const user = userById.get(e.user);
      const item = itemById.get(e.item);
      if (!user) problems.push(`${e.id}: unknown user ${e.user}`);
      if (!item) problems.push(`${e.id}: unknown item ${e.item}`);
      if (e.timestamp < NOW - 90 * DAY || e.timestamp >= NOW) problems.push(`${e.id}: outside the window`);
      if (item && e.timestamp <= item.createdAt) problems.push(`${e.id}: before its item existed`);
      if (user && e.timestamp <= user.createdAt) problems.push(`${e.id}: before its user existed`);
      if (e.timestamp < previous) problems.push(`${e.id}: out of time order`);
      previous = e.timestamp;
    }
    expect(problems).toEqual([]);
  });

  it('uses only the configured feedback types, with ratings 1–5 and no other values', () => {
    const types = new Set<string>(DEMO_EVENT_TYPES);
    expect(Object.keys(DEMO_FEEDBACK_TYPES).sort()).toEqual([...types].sort());
    const byType = countBy(data.events, (e) => e.type);
    expect([...byType.keys()].sort()).toEqual([...types].sort());
    const ratingValues = countBy(data.events.filter((e) => e.type === 'rating'), (e) => String(e.value));
    expect([...ratingValues.keys()].sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(data.events.filter((e) => e.type !== 'rating' && e.value !== null)).toEqual([]);
    // Every interaction starts with a view.
    const viewed = new Set(data.events.filter((e) => e.type === 'view').map((e) => `${e.user}|${e.item}`));
    expect(data.events.every((e) => viewed.has(`${e.user}|${e.item}`))).toBe(true);
  });

  it('builds a movie catalogue whose genres differ in size', () => {
    const titles = new Set(data.items.map((i) => i.title));
    expect(titles.size).toBe(data.items.length);
    for (const item of data.items) {
      expect(item.kind).toBe('movie');
      expect(item.categories.length).toBeGreaterThanOrEqual(1);
      expect(item.categories.length).toBeLessThanOrEqual(2);
      expect(new Set(item.categories).size).toBe(item.categories.length);
      for (const c of item.categories) expect(DEMO_GENRES).toContain(c);
      expect(item.tags.length).toBeGreaterThan(0);
      expect(item.text.length).toBeGreaterThan(40);
      expect(item.title).toMatch(/^[A-Z]/);
      expect(item.numeric['year']).toBeGreaterThanOrEqual(1950);
      expect(item.numeric['year']).toBeLessThanOrEqual(2025);
      expect(item.numeric['runtimeMinutes']).toBeGreaterThanOrEqual(70);
      expect(item.createdAt).toBeLessThan(NOW);
      expect(item.createdAt).toBeGreaterThan(NOW - 740 * DAY);
    }
    const sizes = countBy(data.items, (i) => i.categories[0] ?? '');
    expect([...sizes.keys()].sort()).toEqual([...DEMO_GENRES].sort());
    expect(Math.max(...sizes.values())).toBeGreaterThanOrEqual(3 * Math.min(...sizes.values()));
    const hidden = data.items.filter((i) => i.hidden);
    expect(hidden.length).toBeGreaterThanOrEqual(1);
    expect(hidden.length).toBeLessThanOrEqual(4);
  });

  it('adds recent items with few or no events, so "latest" has something to show', () => {
    const fresh = data.items.filter((i) => i.createdAt > NOW - 3 * DAY);
    expect(fresh.length).toBeGreaterThanOrEqual(12);
    expect(fresh.length).toBeLessThanOrEqual(20);
    const latest = [...data.items].sort((a, b) => b.createdAt - a.createdAt).slice(0, fresh.length);
    expect(new Set(latest)).toEqual(new Set(fresh));
    const perItem = countBy(data.events, (e) => e.item);
    for (const item of fresh) expect(perItem.get(item.id) ?? 0).toBeLessThanOrEqual(15);
    expect(fresh.filter((i) => !perItem.has(i.id)).length).toBeGreaterThanOrEqual(3);
    // Fresh films span the genres, so every taste finds something new.
    expect(new Set(fresh.map((i) => i.categories[0])).size).toBeGreaterThanOrEqual(10);
  });

  it('gives each persona a clear taste: ≥ 15 positive events, ≥ 80% of them in the favourite genres', () => {
    for (const p of DEMO_PERSONAS) {
      const user = data.users.find((u) => u.id === p.id);
      expect(user?.attributes['persona']).toBe(p.description);
      const positives = data.events.filter((e) => e.user === p.id && isPositive(e));
      expect(positives.length, p.id).toBeGreaterThanOrEqual(15);
      const onTaste = positives.filter((e) => itemOf(e).categories.some((c) => p.genres.some((g) => g === c)));
      expect(onTaste.length / positives.length, p.id).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('leaves each persona popular, unwatched films in their genres to recommend', () => {
    const positivesPerItem = countBy(data.events.filter(isPositive), (e) => e.item);
    for (const p of DEMO_PERSONAS) {
      const seen = new Set(data.events.filter((e) => e.user === p.id).map((e) => e.item));
      const onTaste = data.items.filter((i) => !i.hidden && p.genres.some((g) => g === i.categories[0]));
      const positivesOf = (i: Item): number => positivesPerItem.get(i.id) ?? 0;
      const byPopularity = [...onTaste].sort((a, b) => positivesOf(b) - positivesOf(a));
      const unseenTop = byPopularity.slice(0, 10).filter((i) => !seen.has(i.id));
      expect(unseenTop.length, p.id).toBeGreaterThanOrEqual(2);
      expect(onTaste.filter((i) => !seen.has(i.id)).length, p.id).toBeGreaterThanOrEqual(5);
    }
  });

  it('makes ordinary users mostly watch their favourite genres and rate those higher', () => {
    const favourites = new Map(
      data.users.filter((u) => /^u\d{4}$/.test(u.id)).map((u) => [u.id, favouritesOf(String(u.attributes['persona']))]),
    );
    for (const list of favourites.values()) for (const g of list) expect(DEMO_GENRES).toContain(g);
    const ordinary = data.events.filter((e) => favourites.has(e.user));
    const views = ordinary.filter((e) => e.type === 'view');
    const likes = (e: FeedbackEvent): boolean =>
      itemOf(e).categories.some((c) => favourites.get(e.user)?.includes(c) ?? false);
    const onTasteShare = views.filter(likes).length / views.length;
    expect(onTasteShare).toBeGreaterThan(0.8);
    expect(onTasteShare).toBeLessThan(0.95);
    const mean = (xs: FeedbackEvent[]): number => xs.reduce((s, e) => s + (e.value ?? 0), 0) / xs.length;
    const ratings = ordinary.filter((e) => e.type === 'rating');
    expect(mean(ratings.filter(likes))).toBeGreaterThan(mean(ratings.filter((e) => !likes(e))) + 1.5);
    const dislikes = ordinary.filter((e) => e.type === 'dislike');
    expect(dislikes.filter((e) => !likes(e)).length / dislikes.length).toBeGreaterThan(0.7);
  });

  it('skews popularity inside a genre and makes a few films trend in the last 3 days', () => {
    const perItem = countBy(data.events, (e) => e.item);
    const drama = data.items
      .filter((i) => i.categories[0] === 'Drama')
      .map((i) => perItem.get(i.id) ?? 0)
      .sort((a, b) => b - a);
    const median = drama[Math.floor(drama.length / 2)] ?? 0;
    expect(drama[0]).toBeGreaterThan(5 * median);

    const recent = countBy(
      data.events.filter((e) => e.timestamp >= NOW - 3 * DAY),
      (e) => e.item,
    );
    // A steady film gets ~3/90 of its events in the last 3 days; a trending one far more.
    const trending = [...recent].filter(([id, n]) => n >= 50 && n / (perItem.get(id) ?? 1) > 0.3);
    expect(trending.length).toBeGreaterThanOrEqual(3);
    expect(trending.length).toBeLessThanOrEqual(8);
  });

  it('generates well under a second', () => {
    const start = performance.now();
    const fresh: DemoData = generateDemoData({ now: NOW, seed: 3 });
    const ms = performance.now() - start;
    expect(fresh.events.length).toBeGreaterThan(20_000);
    expect(ms).toBeLessThan(1000);
  });

  it('rejects unusable options with a validation error', () => {
    const bad = [
      { now: Number.NaN },
      { now: NOW, users: 3 },
      { now: NOW, items: 10 },
      { now: NOW, seed: 1.5 },
    ];
    for (const options of bad) {
      expect(() => generateDemoData(options)).toThrow(MagpieError);
      try {
        generateDemoData(options);
      } catch (err) {
        expect((err as MagpieError).code).toBe('VALIDATION_FAILED');
      }
    }
  });
});
