import { MagpieError, type FeedbackEvent, type IdIndex, type Item, type User } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import {
  buildHistory,
  rankedByRole,
  type Candidate,
  type ModelSet,
  type PipelineContext,
  type RecommendedItem,
  type RecommendRequest,
  type SourceInput,
  type UserHistory,
} from '../pipeline/index.js';
import type { DataStore, ModelStore } from '../ports/index.js';
import { rankerModelName } from './ranker-training.js';
import type { CatalogCache } from './catalog.js';
import type { ImpressionLogger } from './impression-logger.js';
import type { ModelCache } from './model-cache.js';
import { ServingCache } from './serving-cache.js';
import type { SharedListCache } from './shared-list-cache.js';
import { timeOrderedId } from './request-id.js';
import { SurfaceSet } from './surface-set.js';
import { impressionVariant, type ComputeList, type ExperimentRoute } from './experiments/index.js';

export interface RecommendResponse {
  requestId: string;
  surface?: string;
  /** The experiment variant whose list this is, when the user is in a running experiment. */
  variant?: string;
  experiment?: string;
  items: RecommendedItem[];
  /** `items` already as JSON, kept with a cached list so a repeat does not serialise it again. */
  [ITEMS_JSON]?: string;
}

/** Where a response carries its items' JSON (see RecommendResponse); the HTTP layer splices it in. */
export const ITEMS_JSON: unique symbol = Symbol('magpie.itemsJson');

export interface ListQuery {
  n?: number | undefined;
  offset?: number | undefined;
  category?: string | undefined;
  exclude?: readonly string[] | undefined;
}

export interface SurfaceQuery extends ListQuery {
  surface?: string | undefined;
  /** Keep items with any of these tags. */
  tags?: readonly string[] | undefined;
  /** An attribute expression every item must match (docs/serving.md). */
  filter?: string | undefined;
}

/** Onboarding preferences a user may carry in attributes.preferences (cold start). */
export interface Preferences {
  categories: string[];
  items: string[];
}

const DAY_MS = 86_400_000;

/** The read side: surfaces (home, item, rerank, email…), popular, trending and latest. */
export class RecommendService {
  private readonly ctx: PipelineContext;
  readonly surfaces: SurfaceSet;
  readonly cache: ServingCache;

  constructor(
    private readonly deps: {
      config: MagpieConfig;
      store: DataStore;
      catalog: CatalogCache;
      models: ModelCache;
      impressions?: ImpressionLogger | undefined;
      now?: (() => number) | undefined;
      /** Routes users of running experiments to their variant (services/experiments). */
      experiments?: { route(user: string, surface: string): ExperimentRoute | null } | undefined;
      /** The results cache shared with other server processes, behind this.cache (storage.cache). */
      shared?: SharedListCache | undefined;
    },
  ) {
    this.ctx = { models: deps.models, catalog: deps.catalog, excludeSeen: deps.config.serving.excludeSeen };
    this.surfaces = new SurfaceSet(deps.config, deps.models);
    this.cache = new ServingCache(deps.config.serving.cacheEntries);
  }

  /** A user's list on a user-anchored surface (home by default). */
  async recommend(user: string, q: SurfaceQuery = {}): Promise<RecommendResponse> {
    const name = q.surface ?? 'home';
    this.surfaces.expectAnchor(name, 'user');
    return this.serve(user, name, q);
  }

  /** Items similar to one item, through the item surface (or another item-anchored one). */
  async similar(item: string, q: SurfaceQuery = {}, user?: string): Promise<RecommendResponse> {
    const name = q.surface ?? 'item';
    this.surfaces.expectAnchor(name, 'item');
    if (!(await this.deps.store.getItem(item))) throw new MagpieError('ITEM_NOT_FOUND', `no item "${item}"`, { id: item });
    return this.serve(user ?? '', name, q, { anchor: item });
  }

  /** The caller's items, reordered for the user (search results, a category page…). */
  async rerank(user: string, items: readonly string[], q: SurfaceQuery = {}): Promise<RecommendResponse> {
    const name = q.surface ?? 'rerank';
    this.surfaces.expectAnchor(name, 'list');
    return this.serve(user, name, { ...q, n: q.n ?? items.length }, { items });
  }

  /**
   * Runs every surface once on a made-up history, so the lazily built serving structures of new
   * models (vector scorers, sorted rankings) are ready before the first real request needs them.
   */
  warmUp(): void {
    const main = this.deps.models.get('main')?.model;
    const item = main && main.items.size > 0 ? main.items.idAt(0) : undefined;
    const history: UserHistory = {
      positives: new Map(item === undefined ? [] : [[item, 1]]),
      negatives: new Set(),
      seen: new Set(item === undefined ? [] : [item]),
      lastEventAt: null,
    };
    const now = this.now();
    for (const name of this.surfaces.names()) {
      const anchor = this.surfaces.get(name).surface.config.anchor;
      const input = this.sourceInput('', history, { categories: [], items: [] }, now, anchor === 'item' ? item : undefined);
      this.surfaces.run(name, input, { n: 10, offset: 0, seed: 0, excludeSeen: true, items: item === undefined ? [] : [item] });
    }
  }

  /**
   * Puts the serving learned ranker (promoted, or restored by a rollback) in service for the
   * surfaces configured with ranker.type learned (the default fusion serves until a training run
   * has promoted one). Returns surfaces swapped.
   */
  async refreshRankers(models: ModelStore): Promise<string[]> {
    const swapped: string[] = [];
    for (const name of this.surfaces.learnedSurfaces()) {
      const version = await models.servingVersion(rankerModelName(name));
      if (version === 0 || version === this.surfaces.learnedVersion(name)) continue;
      const stored = await models.get(rankerModelName(name), version);
      if (!stored) continue;
      this.surfaces.useLearned(name, stored.blob, stored.meta.version);
      this.cache.clear();
      swapped.push(name);
    }
    return swapped;
  }

  /** Drops cached lists of a user (their feedback or profile changed in this process). */
  invalidateUser(user: string): void {
    this.cache.invalidateUser(user);
  }

  /**
   * A user's events, newest first. Page backwards by passing the last event's timestamp and id
   * as before/beforeId (ids break ties between equal timestamps).
   */
  history(user: string, limit: number, before?: number, beforeId?: string): Promise<FeedbackEvent[]> {
    return this.deps.store.userEvents(user, { limit, before, beforeId });
  }

  popular(q: ListQuery = {}): RecommendResponse {
    return this.respond(rankedByRole(this.ctx, 'popular', this.request(q)));
  }

  trending(q: ListQuery = {}): RecommendResponse {
    return this.respond(rankedByRole(this.ctx, 'trending', this.request(q)));
  }

  /** Newest visible items: how a brand-new item is reachable before any model knows it. */
  async latest(q: ListQuery = {}): Promise<RecommendResponse> {
    const req = this.request(q);
    const exclude = req.exclude ?? new Set<string>();
    const items = await this.deps.store.latestItems({ limit: req.offset + req.n + exclude.size, category: req.category });
    const list = items
      .filter((it: Item) => !it.hidden && !exclude.has(it.id))
      .slice(req.offset, req.offset + req.n)
      .map((it) => ({
        id: it.id,
        score: it.createdAt,
        source: 'latest',
        reason: it.categories[0] ? `new in ${it.categories[0]}` : 'new',
      }));
    return this.respond(list);
  }

  private async serve(
    user: string,
    name: string,
    q: SurfaceQuery,
    extra: { anchor?: string; items?: readonly string[] } = {},
  ): Promise<RecommendResponse> {
    const { surface } = this.surfaces.get(name);
    const now = this.now();
    const req = this.request(q);
    const route = this.deps.experiments?.route(user, name) ?? null;
    // Keyed on the variant too: a cached list of one variant is never served under another.
    const key = JSON.stringify([name, req.n, req.offset, q.category ?? null, q.tags ?? null, q.filter ?? null, q.exclude ?? null, extra.anchor ?? null, extra.items ?? null, route?.shown ?? null]);
    const cacheSeconds = surface.config.cacheSeconds;
    let cached = cacheSeconds > 0 ? this.cache.get(user, key) : undefined;
    let page = cached?.items;
    let version = 0;
    let variant = route?.shown;
    let cacheable = true;
    let shared: { version: number | null; models: string } | undefined;
    if (!page && cacheSeconds > 0 && this.deps.shared) {
      // Second level: a list another process (or this one, before an eviction) computed.
      version = this.cache.version(user);
      const models = this.modelTag(name);
      const found = await this.deps.shared.lookup(user, key, models);
      shared = { version: found.version, models };
      if (found.list) {
        this.cache.set(user, key, found.list, cacheSeconds, version);
        cached = found.list;
        page = cached.items;
      }
    }
    if (!page) {
      version = this.cache.version(user);
      const [events, profile] = await Promise.all([
        user ? this.deps.store.userEvents(user, { limit: this.deps.config.serving.historyLimit }) : Promise.resolve([]),
        user ? this.deps.store.getUser(user) : Promise.resolve(null),
      ]);
      const prefs = preferencesOf(profile);
      const history = withOnboarding(buildHistory(events, this.deps.config.feedback.types), prefs);
      const input = this.sourceInput(user, history, prefs, now, extra.anchor);
      const compute: ComputeList = (surfaces, models) => (surfaces ?? this.surfaces).run(name, withModels(input, models), {
        n: req.n,
        offset: req.offset,
        seed: seedOf(user, now),
        excludeSeen: this.deps.config.serving.excludeSeen,
        items: extra.items,
        filters: {
          categories: q.category ? [q.category] : undefined,
          tags: q.tags && q.tags.length > 0 ? q.tags : undefined,
          filter: q.filter,
          exclude: req.exclude,
        },
      });
      ({ page, variant, cacheable } = route ? route.run(compute) : { page: compute(null, null), variant, cacheable });
    }
    const items = cached?.answer ?? page.map(toRecommended);
    const response = this.respond(items, name);
    if (route && variant !== undefined) Object.assign(response, { variant, experiment: route.experiment });
    // The JSON of the items is made once per list: a cached repeat sends the same text.
    const itemsJson = cached?.answerJson ?? JSON.stringify(items);
    response[ITEMS_JSON] = itemsJson;
    if (!cached && cacheable && cacheSeconds > 0) {
      const list = { items: page, requestId: response.requestId, answer: items, answerJson: itemsJson };
      this.cache.set(user, key, list, cacheSeconds, version);
      if (shared) this.deps.shared?.store(user, key, shared.models, list, cacheSeconds, shared.version);
    }
    // A list served again from the cache is logged as a repeat of the first: its features are
    // that list's (the store keeps them once), so logging a cached response stays cheap.
    this.deps.impressions?.log({
      requestId: response.requestId,
      user,
      surface: name,
      time: now,
      ...(route && variant !== undefined ? { variant: impressionVariant(route.experiment, variant) } : {}),
      ...(cached ? { repeats: cached.requestId } : {}),
      items: page.map((c, r) => ({
        item: c.id,
        position: req.offset + r,
        source: c.source,
        score: c.score,
        ...(c.features && !cached ? { features: Array.from(c.features) } : {}),
      })),
    });
    if (route && variant !== undefined) route.served(response.requestId, user, variant, page, now);
    return response;
  }

  /** The pipeline's input for a request (public for services/inspect.ts, which replays it). */
  sourceInput(user: string, history: UserHistory, prefs: Preferences, now: number, anchor: string | undefined): SourceInput {
    const catalog = this.deps.catalog;
    const excludeSeen = this.deps.config.serving.excludeSeen;
    const blockedForUser = (id: string): boolean => history.negatives.has(id) || (excludeSeen && history.seen.has(id));
    const blocked = (id: string): boolean => !catalog.isRecommendable(id) || blockedForUser(id);
    const blockedIndex = (ids: IdIndex) => {
      const mask = catalog.recommendableMask(ids);
      return (i: number): boolean => {
        if (mask[i] === 0) return true;
        const id = ids.idAt(i);
        return history.negatives.has(id) || (excludeSeen && history.seen.has(id));
      };
    };
    return {
      user,
      history,
      models: this.deps.models,
      attributes: (id) => catalog.attributes(id),
      title: (id) => catalog.title(id) ?? id,
      newest: () => catalog.newestItems(),
      now,
      anchor,
      preferredCategories: prefs.categories,
      blocked,
      blockedForUser,
      blockedIndex,
      attributesIndex: (ids) => catalog.attributesByIndex(ids),
    };
  }

  /** The versions of the models a list of this surface came from: part of its shared-cache key. */
  private modelTag(surface: string): string {
    return JSON.stringify([this.deps.models.versions(), this.surfaces.learnedVersion(surface)]);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private request(q: ListQuery): RecommendRequest {
    const { defaultN, maxN } = this.deps.config.serving;
    return {
      n: Math.min(q.n ?? defaultN, maxN),
      offset: q.offset ?? 0,
      category: q.category,
      exclude: q.exclude && q.exclude.length > 0 ? new Set(q.exclude) : undefined,
    };
  }

  private respond(items: RecommendedItem[], surface?: string): RecommendResponse {
    const requestId = timeOrderedId(this.now());
    return surface === undefined ? { requestId, items } : { requestId, surface, items };
  }
}

/** A request's input served by other models (an experiment variant's). */
function withModels(input: SourceInput, models: ModelSet | null): SourceInput {
  return models ? { ...input, models } : input;
}

function toRecommended(c: Candidate): RecommendedItem {
  return { id: c.id, score: c.score, source: c.source, reason: c.reason };
}

/** attributes.preferences = { categories: [...], items: [...] }, read leniently. */
export function preferencesOf(user: User | null): Preferences {
  const p = user?.attributes['preferences'];
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return { categories: [], items: [] };
  return { categories: strings((p as Record<string, unknown>)['categories']), items: strings((p as Record<string, unknown>)['items']) };
}

/** Onboarding liked items count as positive history (after the real history, weight 1). */
export function withOnboarding(history: UserHistory, prefs: Preferences): UserHistory {
  for (const id of prefs.items) {
    if (history.negatives.has(id) || history.positives.has(id)) continue;
    history.positives.set(id, 1);
    history.seen.add(id);
  }
  return history;
}

/** One seed per user and day: exploration draws are stable within a day, so pages stay disjoint. */
export function seedOf(user: string, now: number): number {
  let h = 2166136261 ^ Math.floor(now / DAY_MS);
  for (let i = 0; i < user.length; i++) h = Math.imul(h ^ user.charCodeAt(i), 16777619);
  return h >>> 0;
}
