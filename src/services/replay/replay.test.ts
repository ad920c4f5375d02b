import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStores, MemoryDataStore } from '../../adapters/memory/index.js';
import { parseConfig, type MagpieConfigInput } from '../../config/index.js';
import type { FeedbackEvent, Item, User } from '../../core/index.js';
import { generateDemoData } from '../../data/index.js';
import { ReplayService, type ReplayReport } from './replay-service.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const FROM = NOW - 14 * DAY;

/** The popularity-only configuration: one non-personalised source, nothing else. */
const POPULARITY_ONLY = {
  sources: [{ type: 'ranked', name: 'popular', role: 'popular', limit: 500 }],
  ranker: { weights: {} },
};

async function storeWith(data: { users?: User[]; items: Item[]; events: FeedbackEvent[] }) {
  const store = new MemoryDataStore();
  await store.upsertUsers(data.users ?? []);
  await store.upsertItems(data.items);
  await store.insertEvents(data.events, { createMissing: true, now: NOW });
  return store;
}

function replayOn(store: MemoryDataStore, config: MagpieConfigInput = {}): ReplayService {
  const scratch = () => {
    const s = createMemoryStores();
    return { data: s.data, models: s.models, close: () => s.close() };
  };
  return new ReplayService({ config: parseConfig({ storage: { url: 'memory:' }, ...config }), store, scratch });
}

describe('replay on the generated demo catalogue', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    // 250 users with one to three favourite genres, 300 films, 90 days of feedback.
    const demo = generateDemoData({ now: NOW, users: 250, items: 300, seed: 7 });
    const store = await storeWith(demo);
    report = await replayOn(store).run({
      from: FROM,
      to: NOW,
      k: [10, 20],
      variants: [{ name: 'popularity-only', surfaceOverride: POPULARITY_ONLY }, { name: 'configured' }],
    });
  }, 60_000);

  it('trains on the events before the window and scores the users active in it', () => {
    expect(report.state.events).toBeGreaterThan(1000);
    expect(report.window.events).toBeGreaterThan(100);
    expect(report.window.scoredUsers).toBeGreaterThan(50);
    expect(report.window.scoredUsers).toBe(report.window.eligibleUsers);
    expect(report.variants.map((v) => v.name)).toEqual(['popularity-only', 'configured']);
    expect(report.variants[0]!.surface.sources.map((s) => s.name)).toEqual(['popular']);
    expect(report.variants[1]!.surface.sources.map((s) => s.name)).toContain('collaborative');
  });

  it('finds the configured pipeline (blend + item-kNN + …) more accurate than popularity alone, clear of noise', () => {
    const [pop, real] = report.variants;
    for (const metric of ['recall@20', 'ndcg@20', 'hitrate@20', 'map@20', 'mrr@20']) {
      expect(real!.metrics[metric], metric).toBeGreaterThan(pop!.metrics[metric]!);
      expect(real!.vsBaseline!.difference[metric]).toBeCloseTo(real!.metrics[metric]! - pop!.metrics[metric]!, 12);
    }
    // The paired 95% interval of the per-user gain lies above zero.
    expect(real!.vsBaseline!.paired['ndcg@20']!.low).toBeGreaterThan(0);
    expect(real!.vsBaseline!.paired['recall@20']!.low).toBeGreaterThan(0);
  });

  it('shows popularity-only as the narrow, popular, concentrated configuration it is', () => {
    const [pop, real] = report.variants;
    const m = (v: typeof pop, name: string) => v!.metrics[name]!;
    expect(m(real, 'coverage@20')).toBeGreaterThan(m(pop, 'coverage@20'));
    expect(m(real, 'novelty@20')).toBeGreaterThan(m(pop, 'novelty@20'));
    expect(m(real, 'gini@20')).toBeLessThan(m(pop, 'gini@20'));
    expect(m(real, 'popPercentile@20')).toBeLessThan(m(pop, 'popPercentile@20'));
    // Popularity ranks the same few items for everyone (minus what each has seen).
    expect(m(pop, 'popPercentile@20')).toBeGreaterThan(0.9);
    for (const v of report.variants) {
      for (const name of ['diversity@10', 'coverage@10', 'gini@10', 'popPercentile@10']) {
        expect(m(v, name), `${v.name} ${name}`).toBeGreaterThanOrEqual(0);
        expect(m(v, name), `${v.name} ${name}`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('replay protocol on a hand-made log', () => {
  const item = (id: string, createdAt: number, categories: string[] = ['A']): Item => ({
    id, kind: 'film', title: id, text: '', categories, tags: [], numeric: {}, embedding: null, createdAt, hidden: false,
  });
  const ev = (id: string, user: string, itemId: string, t: number, type = 'like'): FeedbackEvent => ({
    id, user, item: itemId, type, value: null, timestamp: t, context: {},
  });
  const OLD = FROM - 60 * DAY;
  // i1 and i2 are liked together before the window; i9 appears only inside it.
  const items = [item('i1', OLD), item('i2', OLD), item('i3', OLD, ['B']), item('i9', FROM + DAY)];
  const before = [
    ev('b1', 'u1', 'i1', FROM - 5 * DAY),
    ev('b2', 'u1', 'i2', FROM - 4 * DAY),
    ev('b3', 'u2', 'i1', FROM - 3 * DAY),
    ev('b4', 'u3', 'i3', FROM - 2 * DAY),
  ];
  const inside = [
    ev('w1', 'u2', 'i2', FROM + 2 * DAY), // relevant: u2 has not seen i2
    ev('w2', 'u2', 'i1', FROM + 2 * DAY), // already liked before the window: cannot be recommended
    ev('w3', 'u3', 'i9', FROM + 2 * DAY), // i9 did not exist at FROM
    ev('w4', 'u4', 'i1', FROM + 3 * DAY), // u4 is new: a cold-start list
    ev('w5', 'u4', 'i1', FROM + 3 * DAY + 1), // the same pair again counts once
    ev('w6', 'u3', 'i2', FROM + 3 * DAY, 'view'), // not positive
  ];
  const after = [ev('a1', 'u1', 'i3', NOW + DAY)]; // beyond `to`: ignored

  it('cuts the log at from and to, and keeps only hits the pipeline could have made', async () => {
    const store = await storeWith({ items, events: [...before, ...inside, ...after] });
    const report = await replayOn(store, { training: { models: { main: { algorithm: 'itemknn' } } } }).run({ from: FROM, to: NOW, k: [2] });
    expect(report.state).toMatchObject({ events: 4, items: 3 }); // i9 is not in the catalogue at FROM
    expect(report.window).toMatchObject({
      events: 6,
      positives: 5,
      windowUsers: 3,
      eligibleUsers: 2, // u2 (i2) and u4 (i1); u3's only positive is i9
      scoredUsers: 2,
      coldUsers: 1,
      relevantPairs: 2,
      droppedUnknownItems: 1,
      droppedKnownItems: 1,
    });
    // u2 liked i1, so item-kNN proposes i2 first: a hit at rank 1. u4 is cold: popular items,
    // i1 first (two users liked it). Both lists hit at rank 1.
    const m = report.variants[0]!.metrics;
    expect(m['mrr@2']).toBe(1);
    expect(m['hitrate@2']).toBe(1);
    expect(m['recall@2']).toBe(1);
  });

  it('samples the users with a seed, the same sample each time', async () => {
    const store = await storeWith({ items, events: [...before, ...inside] });
    const service = replayOn(store);
    const a = await service.run({ from: FROM, to: NOW, k: [2], users: 1, seed: 3 });
    const b = await service.run({ from: FROM, to: NOW, k: [2], users: 1, seed: 3 });
    expect(a.window.scoredUsers).toBe(1);
    expect(a.window.eligibleUsers).toBe(2);
    expect(a.variants[0]!.metrics).toEqual(b.variants[0]!.metrics);
  });

  it('trains a variant with other model roles on the same state, once per distinct set of roles', async () => {
    const store = await storeWith({ items, events: [...before, ...inside] });
    const service = replayOn(store);
    const knnMain = { main: { algorithm: 'itemknn', params: { neighbors: 5 } }, trending: null };
    const r = await service.run({
      from: FROM,
      to: NOW,
      k: [2],
      variants: [{ name: 'configured' }, { name: 'knn-main', modelsOverride: knnMain }],
    });
    expect(r.state.trainingRuns).toBe(2);
    expect(r.variants[0]!.models['main']!.algorithm).toBe('blend');
    expect(r.variants[1]!.models['main']).toEqual({ algorithm: 'itemknn', params: { neighbors: 5 } });
    expect(r.variants[1]!.models['trending']).toBeUndefined();
    expect(r.variants[1]!.models['similar']!.algorithm).toBe('itemknn');
    const same = await service.run({ from: FROM, to: NOW, k: [2], variants: [{ name: 'a' }, { name: 'b', surfaceOverride: { cacheSeconds: 5 } }] });
    expect(same.state.trainingRuns).toBe(1);
  });

  it('refuses bad windows, surfaces and overrides with a 4xx code before any work', async () => {
    const store = await storeWith({ items, events: [...before, ...inside] });
    const service = replayOn(store);
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);
    expect(await code(service.run({ from: NOW, to: FROM }))).toBe('VALIDATION_FAILED');
    expect(await code(service.run({ from: FROM, to: NOW, k: [0] }))).toBe('VALIDATION_FAILED');
    expect(await code(service.run({ from: FROM, to: NOW, k: [501] }))).toBe('VALIDATION_FAILED');
    expect(await code(service.run({ from: FROM, to: NOW, surface: 'nope' }))).toBe('SURFACE_NOT_FOUND');
    expect(await code(service.run({ from: FROM, to: NOW, surface: 'item' }))).toBe('VALIDATION_FAILED');
    const badOverride = { name: 'candidate', surfaceOverride: { sources: [{ type: 'telepathy' }] } };
    expect(await code(service.run({ from: FROM, to: NOW, variants: [{ name: 'baseline' }, badOverride] }))).toBe('VALIDATION_FAILED');
    const models = (o: unknown) => service.run({ from: FROM, to: NOW, variants: [{ name: 'baseline' }, { name: 'candidate', modelsOverride: o as Record<string, unknown> }] });
    expect(await code(models({ main: { algorithm: 'telepathy' } }))).toBe('UNKNOWN_ALGORITHM');
    expect(await code(models({ main: { algorithm: 'ials', params: { factors: -1 } } }))).toBe('VALIDATION_FAILED');
    expect(await code(models({ main: { algorithm: 'ials', weight: 2 } }))).toBe('VALIDATION_FAILED');
    expect(await code(models({ main: 'ials' }))).toBe('VALIDATION_FAILED');
    expect(await code(models({ main: null, similar: null, popular: null, trending: null }))).toBe('VALIDATION_FAILED');
    // A window nobody was active in, and a window with nothing before it.
    expect(await code(service.run({ from: NOW + DAY, to: NOW + 2 * DAY }))).toBe('VALIDATION_FAILED');
    expect(await code(service.run({ from: OLD - DAY, to: FROM }))).toBe('VALIDATION_FAILED');
  });
});
