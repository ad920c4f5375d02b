import type { Model, UserQuery } from '../algorithms/index.js';
import { topK } from '../math/index.js';
import type { ItemCatalog } from './catalog.js';
import type { UserHistory } from './history.js';
import { queryFor } from './query.js';
import { rankingOf } from './candidates/ranked.js';
import type { RecommendedItem, RecommendRequest } from './request.js';
import type { ModelSet } from './serving-models.js';

export interface PipelineContext {
  models: ModelSet;
  catalog: ItemCatalog;
  excludeSeen: boolean;
}

/** Roles that fill a list when the personalised model has too little to say, in order. */
const FALLBACK_ROLES = ['trending', 'popular'] as const;

/**
 * A user's list: the main model's ranking of their live history (folded in, so a new event
 * counts at once), then trending and popular items to fill, all through the same filters.
 * Pages are slices of one deterministic ranking, so page 2 never repeats page 1.
 */
export function recommendForUser(ctx: PipelineContext, history: UserHistory, req: RecommendRequest): RecommendedItem[] {
  const want = req.offset + req.n;
  const blocked = (id: string): boolean =>
    !ctx.catalog.isRecommendable(id) ||
    history.negatives.has(id) ||
    (ctx.excludeSeen && history.seen.has(id)) ||
    (req.exclude?.has(id) ?? false) ||
    (req.category !== undefined && !ctx.catalog.hasCategory(id, req.category));
  const out: RecommendedItem[] = [];
  const taken = new Set<string>();

  const main = ctx.models.get('main');
  if (main && history.positives.size > 0) {
    const query = queryFor(main.model, history);
    if (query.items.length > 0) {
      const scores = scratchFor(main.model);
      main.model.scoreUser(query, scores);
      const ids = main.model.items;
      // A score of exactly 0 is "no opinion" (item-kNN with no neighbour in the history, a
      // factor model's untrained item): those places go to the fill roles instead.
      const top = topK(scores, want, (i) => scores[i] === 0 || blocked(ids.idAt(i)));
      for (let r = 0; r < top.indices.length; r++) {
        const i = top.indices[r]!;
        const id = ids.idAt(i);
        taken.add(id);
        out.push({ id, score: top.scores[r]!, source: main.meta.algorithm, reason: personalReason(ctx, main.model, query, i) });
      }
    }
  }
  for (const role of FALLBACK_ROLES) {
    if (out.length >= want) break;
    fillFromRanking(ctx, role, want, (id) => blocked(id) || taken.has(id), req.category, out);
    // What trending added must block popular too, or an item trending and popular appears twice.
    for (const item of out) taken.add(item.id);
  }
  return out.slice(req.offset, want);
}

/** Items ranked by a non-personalised model (popular, trending), through the catalogue filters. */
export function rankedByRole(
  ctx: PipelineContext,
  role: string,
  req: RecommendRequest,
): RecommendedItem[] {
  const out: RecommendedItem[] = [];
  const want = req.offset + req.n;
  fillFromRanking(
    ctx,
    role,
    want,
    (id) =>
      !ctx.catalog.isRecommendable(id) ||
      (req.exclude?.has(id) ?? false) ||
      (req.category !== undefined && !ctx.catalog.hasCategory(id, req.category)),
    req.category,
    out,
  );
  return out.slice(req.offset, want);
}

/**
 * Items similar to one item: neighbours from the `similar` model (else the main model), filled
 * up with popular items of the item's category when the models know too few (or not the item).
 */
export function similarTo(ctx: PipelineContext, itemId: string, req: RecommendRequest): RecommendedItem[] {
  const want = req.offset + req.n;
  const blocked = (id: string): boolean =>
    id === itemId ||
    !ctx.catalog.isRecommendable(id) ||
    (req.exclude?.has(id) ?? false) ||
    (req.category !== undefined && !ctx.catalog.hasCategory(id, req.category));
  const out = neighboursOf(ctx, itemId, want, blocked);
  if (out.length < want) {
    const taken = new Set(out.map((r) => r.id));
    const category = req.category ?? ctx.catalog.mainCategory(itemId);
    const inCategory = (id: string): boolean => category === undefined || ctx.catalog.hasCategory(id, category);
    fillFromRanking(ctx, 'popular', want, (id) => blocked(id) || taken.has(id) || !inCategory(id), category, out);
  }
  return out.slice(req.offset, want);
}

/** Up to `want` unblocked neighbours from the first model (similar, then main) that knows the item. */
function neighboursOf(ctx: PipelineContext, itemId: string, want: number, blocked: (id: string) => boolean): RecommendedItem[] {
  const title = ctx.catalog.title(itemId) ?? itemId;
  const out: RecommendedItem[] = [];
  for (const role of ['similar', 'main']) {
    const sm = ctx.models.get(role);
    const index = sm?.model.items.indexOf(itemId) ?? -1;
    if (!sm?.model.similarItems || index < 0) continue;
    // Over-fetch so that filtered-out neighbours do not leave the list short.
    for (let k = want + 20; ; k *= 4) {
      const found = sm.model.similarItems(index, k);
      out.length = 0;
      for (let r = 0; r < found.indices.length && out.length < want; r++) {
        const id = sm.model.items.idAt(found.indices[r]!);
        if (!blocked(id)) out.push({ id, score: found.scores[r]!, source: sm.meta.algorithm, reason: `similar to "${title}"` });
      }
      if (out.length >= want || found.indices.length < k || k >= sm.model.items.size) break;
    }
    if (out.length > 0) break;
  }
  return out;
}

function fillFromRanking(
  ctx: PipelineContext,
  role: string,
  want: number,
  blocked: (id: string) => boolean,
  category: string | undefined,
  out: RecommendedItem[],
): void {
  const sm = ctx.models.get(role);
  if (!sm) return;
  const { order, scores } = rankingOf(sm.model);
  const ids = sm.model.items;
  for (let r = 0; r < order.length && out.length < want; r++) {
    const i = order[r]!;
    const id = ids.idAt(i);
    if (blocked(id)) continue;
    const where = category ?? ctx.catalog.mainCategory(id);
    const reason = role === 'trending' ? (where ? `trending in ${where}` : 'trending now') : where ? `popular in ${where}` : 'popular with everyone';
    out.push({ id, score: scores[i]!, source: role, reason });
  }
}

function personalReason(ctx: PipelineContext, model: Model, query: UserQuery, item: number): string {
  const h = model.explain?.(query, item) ?? -1;
  if (h >= 0) {
    const id = model.items.idAt(query.items[h]!);
    return `because you liked "${ctx.catalog.title(id) ?? id}"`;
  }
  return 'picked for your taste';
}

// Per-model scratch buffers: scoring is synchronous, so one buffer per model is never shared
// by two requests at once.
const scratch = new WeakMap<Model, Float32Array>();
function scratchFor(model: Model): Float32Array {
  let buf = scratch.get(model);
  if (!buf) scratch.set(model, (buf = new Float32Array(model.items.size)));
  return buf;
}
