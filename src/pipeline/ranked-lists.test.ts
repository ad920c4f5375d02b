import { describe, expect, it } from 'vitest';
import type { Model, UserQuery } from '../algorithms/index.js';
import { IdIndex } from '../core/index.js';
import type { ModelMeta } from '../ports/index.js';
import type { ItemCatalog } from './catalog.js';
import type { UserHistory } from './history.js';
import { queryFor } from './query.js';
import { rankedByRole, type PipelineContext } from './ranked-lists.js';
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
    state: 'serving',
    promotedAt: 0,
    gate: null,
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
