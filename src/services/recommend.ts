import { randomUUID } from 'node:crypto';
import { MagpieError, type FeedbackEvent, type Item } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import {
  buildHistory,
  rankedByRole,
  recommendForUser,
  similarTo,
  type PipelineContext,
  type RecommendedItem,
  type RecommendRequest,
} from '../pipeline/index.js';
import type { DataStore } from '../ports/index.js';
import type { CatalogCache } from './catalog.js';
import type { ModelCache } from './model-cache.js';

export interface RecommendResponse {
  requestId: string;
  items: RecommendedItem[];
}

export interface ListQuery {
  n?: number | undefined;
  offset?: number | undefined;
  category?: string | undefined;
  exclude?: readonly string[] | undefined;
}

/** The read side: personalised lists, similar items, popular, trending and latest. */
export class RecommendService {
  private readonly ctx: PipelineContext;

  constructor(
    private readonly deps: { config: MagpieConfig; store: DataStore; catalog: CatalogCache; models: ModelCache },
  ) {
    this.ctx = { models: deps.models, catalog: deps.catalog, excludeSeen: deps.config.serving.excludeSeen };
  }

  async recommend(user: string, q: ListQuery = {}): Promise<RecommendResponse> {
    const events = await this.deps.store.userEvents(user, { limit: this.deps.config.serving.historyLimit });
    return this.respond(recommendForUser(this.ctx, buildHistory(events, this.deps.config.feedback.types), this.request(q)));
  }

  /**
   * A user's events, newest first. Page backwards by passing the last event's timestamp and id
   * as before/beforeId (ids break ties between equal timestamps).
   */
  history(user: string, limit: number, before?: number, beforeId?: string): Promise<FeedbackEvent[]> {
    return this.deps.store.userEvents(user, { limit, before, beforeId });
  }

  async similar(item: string, q: ListQuery = {}): Promise<RecommendResponse> {
    if (!(await this.deps.store.getItem(item))) throw new MagpieError('ITEM_NOT_FOUND', `no item "${item}"`, { id: item });
    return this.respond(similarTo(this.ctx, item, this.request(q)));
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

  private request(q: ListQuery): RecommendRequest {
    const { defaultN, maxN } = this.deps.config.serving;
    return {
      n: Math.min(q.n ?? defaultN, maxN),
      offset: q.offset ?? 0,
      category: q.category,
      exclude: q.exclude && q.exclude.length > 0 ? new Set(q.exclude) : undefined,
    };
  }

  private respond(items: RecommendedItem[]): RecommendResponse {
    return { requestId: randomUUID(), items };
  }
}
