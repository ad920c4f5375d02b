import { beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm, type Model } from '../../algorithms/index.js';
import { syntheticSplit } from '../../algorithms/testing/synthetic.js';
import { topK } from '../../math/index.js';
import type { ModelMeta } from '../../ports/index.js';
import type { ItemAttributes } from '../candidate.js';
import type { UserHistory } from '../history.js';
import { queryFor } from '../query.js';
import type { ServingModel } from '../serving-models.js';
import {
  collaborativeSource,
  IndexRetrieval,
  freshSource,
  mergeCandidates,
  neighbourSource,
  rankedSource,
  vectorViewOf,
  type SourceInput,
} from './index.js';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;
const split = syntheticSplit({ users: 300, items: 200, seed: 7 });
const models = new Map<string, ServingModel>();

function serving(role: string, model: Model): ServingModel {
  const meta = { name: role, version: 1, algorithm: model.algorithm } as ModelMeta;
  return { model, meta };
}

/** Items i0..: category by item number mod 5, created one day apart, i0 the newest. */
function attributes(id: string): ItemAttributes | undefined {
  const n = Number(id.slice(1));
  if (!id.startsWith('i') || !Number.isInteger(n)) return undefined;
  return { kind: 'movie', categories: [`c${n % 5}`], tags: [], numeric: {}, createdAt: NOW - n * DAY, hidden: false };
}

function historyOf(u: number): UserHistory {
  const x = split.train.interactions;
  const positives = new Map<string, number>();
  for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) positives.set(split.train.items.idAt(x.indices[p]!), 1);
  return { positives, negatives: new Set(), seen: new Set(positives.keys()), lastEventAt: NOW };
}

function input(u: number, overrides: Partial<SourceInput> = {}): SourceInput {
  const history = historyOf(u);
  return {
    user: `u${u}`,
    history,
    models: { get: (role) => models.get(role) },
    attributes,
    title: (id) => `Title ${id}`,
    newest: () =>
      split.train.items
        .toArray()
        .slice()
        .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
        .flatMap((id) => {
          const a = attributes(id);
          return a ? [{ id, ...a }] : [];
        }),
    now: NOW,
    blocked: (id) => history.seen.has(id),
    ...overrides,
  };
}

beforeAll(async () => {
  const train = async (name: string, params: Record<string, unknown>): Promise<Model> =>
    getAlgorithm(name).train(split.train, getAlgorithm(name).paramsSchema.parse(params), { seed: 1 });
  models.set('main', serving('main', await train('ials', { factors: 16, epochs: 4 })));
  models.set('similar', serving('similar', await train('itemknn', { neighbors: 30 })));
  models.set('popular', serving('popular', await train('popularity', {})));
});

describe('collaborative source', () => {
  it.each([
    ['the stored vector of a user whose history is the one trained on', 3, false],
    ['the folded-in vector of a user with a new like since training', 3, true],
  ])('retrieves exactly the top of a full scoring of %s, never a blocked item', (_, u, changed) => {
    const source = collaborativeSource(new IndexRetrieval());
    const inp = input(u);
    const model = models.get('main')!.model;
    if (changed) {
      const extra = model.items.toArray().find((id) => !inp.history.positives.has(id))!;
      inp.history.positives.set(extra, 1);
      inp.history.seen.add(extra);
    }
    const query = queryFor(model, inp.history, inp.user);
    expect(query.user >= 0).toBe(!changed);
    const got = source.generate(inp, 15);
    expect(got).toHaveLength(15);
    const scores = new Float32Array(model.items.size);
    model.scoreUser(query, scores);
    const want = topK(scores, 15, (i) => inp.blocked(model.items.idAt(i)));
    expect(got.map((c) => c.id)).toEqual(Array.from(want.indices, (i) => model.items.idAt(i)));
    for (const c of got) {
      expect(inp.history.seen.has(c.id)).toBe(false);
      expect(c.sourceScores['collaborative']).toBeCloseTo(c.score, 5);
    }
  });

  it('proposes nothing for a user without history or when the role has no model', () => {
    const source = collaborativeSource(new IndexRetrieval());
    const empty: UserHistory = { positives: new Map(), negatives: new Set(), seen: new Set(), lastEventAt: null };
    expect(source.generate(input(0, { history: empty }), 10)).toEqual([]);
    expect(collaborativeSource(new IndexRetrieval(), 'nope').generate(input(0), 10)).toEqual([]);
  });
});

describe('neighbour source', () => {
  it('follows the newest history items and names a real seed in each reason', () => {
    const inp = input(5);
    const seeds = [...inp.history.positives.keys()].slice(0, 3);
    const got = neighbourSource({ name: 'item-knn', role: 'similar', recent: 3, perItem: 20 }).generate(inp, 10);
    expect(got.length).toBeGreaterThan(0);
    for (const c of got) {
      expect(inp.history.seen.has(c.id)).toBe(false);
      const seed = /because you liked "Title (i\d+)"/.exec(c.reason)?.[1];
      expect(seeds).toContain(seed);
    }
    const scores = got.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('on an item page seeds from the anchor only and never proposes it', () => {
    const got = neighbourSource({ name: 'item-knn', role: 'similar', recent: 3, perItem: 20 }).generate(input(5, { anchor: 'i7', blocked: () => false }), 10);
    expect(got.length).toBeGreaterThan(0);
    expect(got.map((c) => c.id)).not.toContain('i7');
    for (const c of got) expect(c.reason).toBe('similar to "Title i7"');
  });
});

describe('ranked and fresh sources', () => {
  it('segment popularity keeps to the onboarding categories', () => {
    const source = rankedSource({ name: 'segment', role: 'popular', segment: true, reason: (c) => `popular in ${c}` });
    const got = source.generate(input(1, { preferredCategories: ['c2'] }), 8);
    expect(got).toHaveLength(8);
    for (const c of got) {
      expect(attributes(c.id)!.categories).toEqual(['c2']);
      expect(c.reason).toBe('popular in c2');
    }
    expect(source.generate(input(1), 8)).toEqual([]);
  });

  it('fresh items: only recent ones, those matching the user first', () => {
    const inp = input(2, { blocked: () => false, preferredCategories: ['c3'] });
    const got = freshSource({ name: 'fresh', maxAgeDays: 10, scan: 100 }).generate(inp, 20);
    expect(got.length).toBeGreaterThan(0);
    for (const c of got) expect(NOW - attributes(c.id)!.createdAt).toBeLessThanOrEqual(10 * DAY);
    expect(attributes(got[0]!.id)!.categories[0]).toBe('c3');
    expect(got[0]!.reason).toBe('new in c3');
  });

  it('merging keeps every source score, the first source and its reason', () => {
    const merged = mergeCandidates([
      [{ id: 'a', sourceScores: { x: 2 }, source: 'x', reason: 'rx', score: 2 }],
      [
        { id: 'b', sourceScores: { y: 1 }, source: 'y', reason: 'ry', score: 1 },
        { id: 'a', sourceScores: { y: 5 }, source: 'y', reason: 'ry', score: 5 },
      ],
    ]);
    expect(merged).toEqual([
      { id: 'a', sourceScores: { x: 2, y: 5 }, source: 'x', reason: 'rx', score: 2 },
      { id: 'b', sourceScores: { y: 1 }, source: 'y', reason: 'ry', score: 1 },
    ]);
  });
});

describe('vector views', () => {
  it("retrieve a hybrid's items through its iALS part, scoring exactly as the hybrid does", async () => {
    const { coldStartSplit } = await import('../../algorithms/testing/content-synthetic.js');
    const cold = coldStartSplit({ users: 200, items: 150, seed: 5 });
    const hybrid = getAlgorithm('hybrid');
    const model = await hybrid.train(cold.train, hybrid.paramsSchema.parse({ factors: 8, epochs: 3 }), { seed: 1 });
    const view = vectorViewOf(model);
    expect(view).not.toBeNull();
    const query = { user: -1, items: Int32Array.of(0, 3, 7), weights: Float32Array.of(1, 1, 1) };
    const want = new Float32Array(model.items.size);
    model.scoreUser(query, want);
    const u = view!.userVector(query);
    for (const i of [0, 10, 42, model.items.size - 1]) {
      let s = 0;
      for (let t = 0; t < view!.dim; t++) s += u[t]! * view!.itemVectors[i * view!.dim + t]!;
      expect(s).toBeCloseTo(want[i]!, 4);
    }
  });
});
