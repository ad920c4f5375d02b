import { describe, expect, it } from 'vitest';
import type { Model, UserQuery } from '../algorithms/index.js';
import { IdIndex } from '../core/index.js';
import type { ScoredList } from '../math/index.js';
import type { ModelMeta } from '../ports/index.js';
import type { ItemCatalog } from './catalog.js';
import type { UserHistory } from './history.js';
import { queryFor } from './query.js';
import { rankedByRole, recommendForUser, similarTo, type PipelineContext } from './recommender.js';
import type { RecommendedItem, RecommendRequest } from './request.js';
import type { ModelSet } from './serving-models.js';

// ---- test doubles -------------------------------------------------------------------------

/** A model that writes fixed scores (items it has no score for get -Infinity: "no opinion"). */
class FixedModel implements Model {
  readonly params = {};
  readonly items: IdIndex;
  readonly queries: UserQuery[] = [];
  private readonly scores: Float32Array;

  constructor(
    readonly algorithm: string,
    scores: Record<string, number>,
    /** Recommended item → the history item that explains it. */
    private readonly explainers: Record<string, string> = {},
  ) {
    this.items = IdIndex.from(Object.keys(scores));
    this.scores = Float32Array.from(Object.values(scores));
  }

  scoreUser(query: UserQuery, out: Float32Array): void {
    this.queries.push({ user: query.user, items: query.items.slice(), weights: query.weights.slice() });
    out.set(this.scores);
  }

  explain(query: UserQuery, item: number): number {
    const because = this.explainers[this.items.idAt(item)];
    return because === undefined ? -1 : query.items.indexOf(this.items.indexOf(because));
  }

  serialize(): Uint8Array {
    throw new Error('not used by these tests');
  }
}

/** A model that only answers similar-item questions, from a fixed neighbour list per item. */
class NeighbourModel implements Model {
  readonly params = {};
  readonly items: IdIndex;
  readonly calls: Array<{ item: string; k: number }> = [];

  constructor(
    readonly algorithm: string,
    ids: string[],
    private readonly neighbours: Record<string, string[]>,
  ) {
    this.items = IdIndex.from(ids);
  }

  scoreUser(_query: UserQuery, out: Float32Array): void {
    out.fill(-Infinity);
  }

  similarItems(item: number, k: number): ScoredList {
    const id = this.items.idAt(item);
    this.calls.push({ item: id, k });
    const list = (this.neighbours[id] ?? []).slice(0, k);
    return {
      indices: Int32Array.from(list.map((n) => this.items.indexOf(n))),
      scores: Float32Array.from(list.map((_, r) => 1 - r / 100)),
    };
  }

  serialize(): Uint8Array {
    throw new Error('not used by these tests');
  }
}

interface CatalogEntry {
  title: string;
  categories: string[];
  hidden?: boolean;
}

class FakeCatalog implements ItemCatalog {
  constructor(private readonly entries: Record<string, CatalogEntry>) {}
  private get(id: string): CatalogEntry | undefined {
    return Object.hasOwn(this.entries, id) ? this.entries[id] : undefined;
  }
  isRecommendable(id: string): boolean {
    const e = this.get(id);
    return e !== undefined && e.hidden !== true;
  }
  hasCategory(id: string, category: string): boolean {
    return this.get(id)?.categories.includes(category) ?? false;
  }
  title(id: string): string | undefined {
    return this.get(id)?.title;
  }
  mainCategory(id: string): string | undefined {
    return this.get(id)?.categories[0];
  }
}

function meta(name: string, algorithm: string): ModelMeta {
  return {
    name,
    version: 1,
    algorithm,
    params: {},
    metrics: {},
    trainedAt: 0,
    trainingSeconds: 0,
    data: { users: 0, items: 0, interactions: 0, events: 0, from: null, to: null },
    bytes: 0,
  };
}

function modelSet(models: Record<string, Model>): ModelSet {
  return {
    get: (role) => (Object.hasOwn(models, role) ? { model: models[role]!, meta: meta(role, models[role]!.algorithm) } : undefined),
  };
}

function history(h: { positives?: Array<[string, number]>; negatives?: string[]; seen?: string[] } = {}): UserHistory {
  const positives = new Map(h.positives ?? []);
  return {
    positives,
    negatives: new Set(h.negatives ?? []),
    seen: new Set([...(h.seen ?? []), ...positives.keys(), ...(h.negatives ?? [])]),
    lastEventAt: positives.size > 0 ? 1 : null,
  };
}

const req = (n: number, extra: Partial<RecommendRequest> = {}): RecommendRequest => ({ n, offset: 0, ...extra });
const ids = (list: RecommendedItem[]): string[] => list.map((r) => r.id);

// ---- fixture -------------------------------------------------------------------------------

const catalog = new FakeCatalog({
  b1: { title: 'Dune', categories: ['books'] },
  b2: { title: 'Emma', categories: ['books', 'classics'] },
  b3: { title: 'Ulysses', categories: ['books'] },
  b4: { title: 'Beloved', categories: ['books'], hidden: true },
  b5: { title: 'Walden', categories: ['books'] },
  b6: { title: 'Middlemarch', categories: ['books'] },
  m1: { title: 'Abbey Road', categories: ['music'] },
  m2: { title: 'Kind of Blue', categories: ['music'] },
  m3: { title: 'Blue', categories: ['music'] },
  m4: { title: 'Thriller', categories: ['music'] },
  p1: { title: 'Zed', categories: ['music'] },
  x1: { title: 'Untitled', categories: [] },
  x2: { title: 'Misc', categories: [] },
});

function models(): { main: FixedModel; trending: FixedModel; popular: FixedModel } {
  return {
    // b1 (in the history) scores highest, as real models tend to do; c0 is unknown to the catalogue.
    main: new FixedModel(
      'fake-main',
      { b1: 10, c0: 9.5, b2: 9, b3: 8, b4: 7, m1: 6, b5: 5, m2: -Infinity, m3: NaN, m4: -Infinity, x1: -Infinity },
      { b2: 'b1', m1: 'b1' },
    ),
    // Zero scores are "not trending" and never listed.
    trending: new FixedModel('popularity', { m2: 5, b2: 4, m3: 3, b6: 2, x1: 1, m4: 0 }),
    popular: new FixedModel('popularity', {
      b2: 10, m2: 9, b3: 8, m3: 7, x1: 6, b4: 5, m4: 4, b5: 3, m1: 2, b1: 1, p1: 0.5, x2: 0.25,
    }),
  };
}

function context(excludeSeen = true, m = models()): PipelineContext {
  return { models: modelSet(m), catalog, excludeSeen };
}

/** Liked b1, disliked b5, viewed m4. */
const alice = history({ positives: [['b1', 2]], negatives: ['b5'], seen: ['m4'] });

// ---- recommendForUser ---------------------------------------------------------------------

describe('recommendForUser', () => {
  it('ranks the main model first, then fills from trending, then popular, without duplicates', () => {
    const out = recommendForUser(context(), alice, req(20));
    expect(ids(out)).toEqual(['b2', 'b3', 'm1', 'm2', 'm3', 'b6', 'x1', 'p1', 'x2']);
    expect(new Set(ids(out)).size).toBe(out.length);
    expect(out.map((r) => r.source)).toEqual(['fake-main', 'fake-main', 'fake-main', 'trending', 'trending', 'trending', 'trending', 'popular', 'popular']);
    expect(out.map((r) => r.score)).toEqual([9, 8, 6, 5, 3, 2, 1, 0.5, 0.25]);
  });

  it('leaves items the main model scores exactly 0 (no opinion, e.g. item-kNN) to the fill roles', () => {
    const m = models();
    m.main = new FixedModel('itemknn', { b1: 0, b2: 0.8, b3: 0, m1: 0, b6: 0.3, x2: 0 });
    const out = recommendForUser(context(true, m), alice, req(4));
    expect(ids(out)).toEqual(['b2', 'b6', 'm2', 'm3']);
    expect(out.map((r) => r.source)).toEqual(['itemknn', 'itemknn', 'trending', 'trending']);
  });

  it('gives reasons a user would understand', () => {
    const out = recommendForUser(context(), alice, req(20));
    const reasons = Object.fromEntries(out.map((r) => [r.id, r.reason]));
    expect(reasons).toEqual({
      b2: 'because you liked "Dune"',
      b3: 'picked for your taste',
      m1: 'because you liked "Dune"',
      m2: 'trending in music',
      m3: 'trending in music',
      b6: 'trending in books',
      x1: 'trending now',
      p1: 'popular in music',
      x2: 'popular with everyone',
    });
  });

  it('asks the main model with the folded-in history (user -1, model indices, weights)', () => {
    const m = models();
    recommendForUser(context(true, m), history({ positives: [['m1', 3], ['unknown', 1], ['b1', 2]] }), req(3));
    expect(m.main.queries).toHaveLength(1);
    const q = m.main.queries[0]!;
    expect(q.user).toBe(-1);
    expect(Array.from(q.items)).toEqual([m.main.items.indexOf('m1'), m.main.items.indexOf('b1')]);
    expect(Array.from(q.weights)).toEqual([3, 2]);
  });

  it('never returns seen, disliked, hidden, excluded or uncatalogued items', () => {
    const forbidden = ['b1', 'm4', 'b5', 'b4', 'c0', 'm2', 'p1'];
    for (let n = 1; n <= 15; n++) {
      const out = ids(recommendForUser(context(), alice, req(n, { exclude: new Set(['m2', 'p1']) })));
      expect(out.filter((id) => forbidden.includes(id))).toEqual([]);
      expect(out.length).toBeLessThanOrEqual(n);
    }
    expect(ids(recommendForUser(context(), alice, req(20, { exclude: new Set(['m2', 'p1']) })))).toEqual([
      'b2', 'b3', 'm1', 'm3', 'b6', 'x1', 'x2',
    ]);
  });

  it('recommends seen items when excludeSeen is off, but still never disliked or hidden ones', () => {
    const out = ids(recommendForUser(context(false), alice, req(20)));
    expect(out.slice(0, 4)).toEqual(['b1', 'b2', 'b3', 'm1']);
    expect(out).toContain('m4');
    expect(out).not.toContain('b5');
    expect(out).not.toContain('b4');
  });

  it('keeps only the requested category, with category-worded fallback reasons', () => {
    const books = recommendForUser(context(), alice, req(10, { category: 'books' }));
    expect(ids(books)).toEqual(['b2', 'b3', 'b6']);
    expect(books[2]!.reason).toBe('trending in books');
    const music = recommendForUser(context(), alice, req(10, { category: 'music' }));
    expect(ids(music)).toEqual(['m1', 'm2', 'm3', 'p1']);
    expect(music.map((r) => r.reason)).toEqual(['because you liked "Dune"', 'trending in music', 'trending in music', 'popular in music']);
    expect(ids(recommendForUser(context(), alice, req(10, { category: 'classics' })))).toEqual(['b2']);
    expect(recommendForUser(context(), alice, req(10, { category: 'nope' }))).toEqual([]);
  });

  it('gives a cold user (no history) trending, then popular, without duplicates', () => {
    const m = models();
    const out = recommendForUser(context(true, m), history(), req(20));
    expect(ids(out)).toEqual(['m2', 'b2', 'm3', 'b6', 'x1', 'b3', 'm4', 'b5', 'm1', 'b1', 'p1', 'x2']);
    expect(out.slice(0, 5).every((r) => r.source === 'trending')).toBe(true);
    expect(out.slice(5).every((r) => r.source === 'popular')).toBe(true);
    expect(m.main.queries).toHaveLength(0);
  });

  it('falls back when the history holds only items the main model does not know', () => {
    const m = models();
    const out = recommendForUser(context(true, m), history({ positives: [['zzz', 1]] }), req(3));
    expect(ids(out)).toEqual(['m2', 'b2', 'm3']);
    expect(m.main.queries).toHaveLength(0);
  });

  it('works with no models at all (empty list) and with only a popular model', () => {
    const none: PipelineContext = { models: modelSet({}), catalog, excludeSeen: true };
    expect(recommendForUser(none, alice, req(5))).toEqual([]);
    const onlyPopular: PipelineContext = { models: modelSet({ popular: models().popular }), catalog, excludeSeen: true };
    expect(ids(recommendForUser(onlyPopular, alice, req(4)))).toEqual(['b2', 'm2', 'b3', 'm3']);
  });

  it('pages are slices of one list: page 2 ∩ page 1 = ∅ and page1 + page2 = the first 2n', () => {
    for (const h of [alice, history()]) {
      for (let n = 1; n <= 7; n++) {
        const page1 = ids(recommendForUser(context(), h, { n, offset: 0 }));
        const page2 = ids(recommendForUser(context(), h, { n, offset: n }));
        const both = ids(recommendForUser(context(), h, { n: 2 * n, offset: 0 }));
        expect(page1.filter((id) => page2.includes(id))).toEqual([]);
        expect([...page1, ...page2]).toEqual(both);
        expect(page1).toHaveLength(Math.min(n, both.length));
      }
    }
    // Past the end: empty.
    expect(recommendForUser(context(), alice, { n: 5, offset: 100 })).toEqual([]);
  });
});

// ---- rankedByRole ---------------------------------------------------------------------------

describe('rankedByRole', () => {
  it('lists a non-personalised ranking through the catalogue filters', () => {
    const out = rankedByRole(context(), 'popular', req(5));
    expect(ids(out)).toEqual(['b2', 'm2', 'b3', 'm3', 'x1']);
    expect(out[0]).toEqual({ id: 'b2', score: 10, source: 'popular', reason: 'popular in books' });
    expect(out[4]!.reason).toBe('popular with everyone');
    // Hidden b4 is skipped; without a user nothing else is.
    expect(ids(rankedByRole(context(), 'popular', req(20)))).toEqual(['b2', 'm2', 'b3', 'm3', 'x1', 'm4', 'b5', 'm1', 'b1', 'p1', 'x2']);
  });

  it('applies category, exclude and offset', () => {
    expect(ids(rankedByRole(context(), 'popular', req(3, { category: 'music', exclude: new Set(['m3']) })))).toEqual(['m2', 'm4', 'm1']);
    expect(ids(rankedByRole(context(), 'popular', { n: 2, offset: 2 }))).toEqual(['b3', 'm3']);
    const trending = rankedByRole(context(), 'trending', req(10, { category: 'books' }));
    expect(trending.map((r) => [r.id, r.reason])).toEqual([
      ['b2', 'trending in books'],
      ['b6', 'trending in books'],
    ]);
  });

  it('answers an empty list for a role with no model', () => {
    expect(rankedByRole(context(), 'editorial', req(5))).toEqual([]);
  });
});

// ---- similarTo ------------------------------------------------------------------------------

describe('similarTo', () => {
  const neighbours = {
    b1: ['b4', 'b2', 'm1', 'b3', 'b1', 'b5', 'b6'],
    m1: ['b4'],
  };
  function simContext(extra: Record<string, Model> = {}): { ctx: PipelineContext; similar: NeighbourModel } {
    const similar = new NeighbourModel('fake-knn', ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'm1'], neighbours);
    const m = models();
    return { ctx: { models: modelSet({ ...m, similar, ...extra }), catalog, excludeSeen: true }, similar };
  }

  it('lists the similar model’s neighbours, skipping hidden ones and the item itself', () => {
    const out = similarTo(simContext().ctx, 'b1', req(10));
    expect(ids(out)).toEqual(['b2', 'm1', 'b3', 'b5', 'b6']);
    expect(out.every((r) => r.reason === 'similar to "Dune"' && r.source === 'fake-knn')).toBe(true);
    expect(out[0]!.score).toBeCloseTo(0.99, 6);
  });

  it('applies category, exclude and pagination', () => {
    const { ctx } = simContext();
    expect(ids(similarTo(ctx, 'b1', req(10, { category: 'books' })))).toEqual(['b2', 'b3', 'b5', 'b6']);
    expect(ids(similarTo(ctx, 'b1', req(10, { exclude: new Set(['b2', 'b5']) })))).toEqual(['m1', 'b3', 'b6']);
    const page1 = ids(similarTo(ctx, 'b1', { n: 2, offset: 0 }));
    const page2 = ids(similarTo(ctx, 'b1', { n: 2, offset: 2 }));
    expect(page1).toEqual(['b2', 'm1']);
    expect(page2).toEqual(['b3', 'b5']);
  });

  it('over-fetches when filtered-out neighbours would leave the list short', () => {
    const hidden = Array.from({ length: 30 }, (_, k) => `h${k}`);
    const cat = new FakeCatalog({
      a: { title: 'A', categories: [] },
      ok1: { title: 'OK1', categories: [] },
      ok2: { title: 'OK2', categories: [] },
      ...Object.fromEntries(hidden.map((h) => [h, { title: h, categories: [], hidden: true }])),
    });
    const similar = new NeighbourModel('fake-knn', ['a', ...hidden, 'ok1', 'ok2'], { a: [...hidden, 'ok1', 'ok2'] });
    const out = similarTo({ models: modelSet({ similar }), catalog: cat, excludeSeen: true }, 'a', req(2));
    expect(ids(out)).toEqual(['ok1', 'ok2']);
    expect(similar.calls.map((c) => c.k)).toEqual([22, 88]);
  });

  it("uses the main model's similarItems when the similar model does not know the item, then fills from popular in its category", () => {
    const mainWithNeighbours = new NeighbourModel('fake-main', ['m2', 'm3', 'x1'], { m2: ['m3', 'x1'] });
    const { ctx, similar } = simContext({ main: mainWithNeighbours });
    const out = similarTo(ctx, 'm2', req(5));
    expect(ids(out)).toEqual(['m3', 'x1', 'm4', 'm1', 'p1']);
    expect(out.map((r) => [r.source, r.reason])).toEqual([
      ['fake-main', 'similar to "Kind of Blue"'],
      ['fake-main', 'similar to "Kind of Blue"'],
      ['popular', 'popular in music'],
      ['popular', 'popular in music'],
      ['popular', 'popular in music'],
    ]);
    expect(similar.calls).toEqual([]);
  });

  it('falls back to popular in the item’s category when no model knows the item', () => {
    const out = similarTo(simContext().ctx, 'm4', req(10));
    expect(ids(out)).toEqual(['m2', 'm3', 'm1', 'p1']);
    expect(out.every((r) => r.source === 'popular' && r.reason === 'popular in music')).toBe(true);
  });

  it('falls back to popular when every known neighbour is filtered out', () => {
    // m1's only neighbour is hidden; the item itself is not listed.
    const out = similarTo(simContext().ctx, 'm1', req(3));
    expect(ids(out)).toEqual(['m2', 'm3', 'm4']);
    expect(out[0]!.reason).toBe('popular in music');
  });

  it('falls back to popular everywhere for an item nobody knows, honouring exclude', () => {
    const out = similarTo(simContext().ctx, 'ghost', req(3, { exclude: new Set(['m2']) }));
    expect(ids(out)).toEqual(['b2', 'b3', 'm3']);
    expect(out.map((r) => r.reason)).toEqual(['popular in books', 'popular in books', 'popular in music']);
  });
});

// ---- queryFor ----------------------------------------------------------------------------------

describe('queryFor', () => {
  it('maps the positive history to model indices, newest first, skipping unknown items', () => {
    const model = new FixedModel('m', { a: 1, b: 1, c: 1 });
    const q = queryFor(model, history({ positives: [['c', 4], ['zzz', 9], ['a', 1.5]] }));
    expect(q.user).toBe(-1);
    expect(Array.from(q.items)).toEqual([2, 0]);
    expect(Array.from(q.weights)).toEqual([4, 1.5]);
    expect(q.items).toBeInstanceOf(Int32Array);
    expect(q.weights).toBeInstanceOf(Float32Array);
    expect(queryFor(model, history()).items.length).toBe(0);
  });
});
