import { rankingOf } from './candidates/ranked.js';
import type { ItemCatalog } from './catalog.js';
import type { RecommendedItem, RecommendRequest } from './request.js';
import type { ModelSet } from './serving-models.js';

export interface PipelineContext {
  models: ModelSet;
  catalog: ItemCatalog;
  excludeSeen: boolean;
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
