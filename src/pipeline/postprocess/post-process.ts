import type { SurfaceRulesInput } from '../../config/index.js';
import type { Candidate } from '../candidate.js';
import type { PostProcessContext } from './context.js';
import { diversify } from './diversity.js';
import { ExplorationDraw } from './exploration.js';
import { applyFilters, makeFilterCheck } from './filters.js';
import { applyFreshness } from './freshness.js';
import { checkPage, pageOf } from './paginate.js';
import { resolvePins, type ResolvedPin } from './pins.js';
import { placeItems, type Placement } from './placement.js';
import { compilePostProcess, isPostProcessPlan, type PostProcessPlan } from './plan.js';
import { applyScoreRules } from './rules.js';
import { byId } from './score.js';
import { jaccardSimilarity } from './similarity.js';

/**
 * Post-processing of one request, in this fixed order:
 *
 *   1. filters      unknown, hidden, unavailable, disliked, seen, excluded, request categories,
 *                   tags and `?filter=`, then the config's require/exclude rules (filters.ts)
 *   2. rules        boosts and buries, in config order
 *   3. freshness    score × (1 + w·2^(−age/halfLife)) (or + w·2^(…))
 *   4. sort         by score, then id; pinned items leave the ranking here
 *   5. diversity    MMR and per-category caps, greedy, for the first `want` places
 *   6. exploration  reserved slots take seeded draws from the exploration pool  } one pass
 *   7. pins         pinned items enter at their positions (before a slot's draw) } placement.ts
 *   8. page         items [offset, offset + n)
 *
 * Pure and synchronous: the candidates are not modified (survivors are copied at step 1).
 * `config` is a surface's post-processing config or, better, the plan compilePostProcess made
 * of it once (a raw config is compiled on first use and cached by object identity).
 */
export function postProcess(candidates: readonly Candidate[], ctx: PostProcessContext, config: PostProcessPlan | SurfaceRulesInput = {}): Candidate[] {
  const offset = ctx.offset ?? 0;
  checkPage(offset, ctx.n);
  return pageOf(processRanking(candidates, ctx, config, offset + ctx.n), offset, ctx.n);
}

/** Steps 1–7: the first `want` items of the request's one ordering (pages are slices of it). */
export function processRanking(
  candidates: readonly Candidate[],
  ctx: PostProcessContext,
  config: PostProcessPlan | SurfaceRulesInput,
  want: number,
): Candidate[] {
  const plan = planOf(config);
  const now = ctx.now;
  const check = makeFilterCheck(ctx, plan);
  const { items, attrs } = applyFilters(candidates, ctx, check);
  applyScoreRules(items, attrs, plan.scoreRules, now);
  if (plan.freshness) applyFreshness(items, attrs, plan.freshness, now);

  let pins: ResolvedPin[] = [];
  let pinned: Set<string> | undefined;
  if (plan.pins.length > 0) {
    const index = new Map<string, number>();
    for (let i = 0; i < items.length; i++) index.set(items[i]!.id, i);
    pins = resolvePins(plan.pins, items, index, ctx, check);
    pinned = new Set(pins.map((p) => p.candidate.id));
  }

  const scores = new Float64Array(items.length);
  const order: number[] = [];
  for (let i = 0; i < items.length; i++) {
    scores[i] = items[i]!.score;
    if (!pinned?.has(items[i]!.id)) order.push(i);
  }
  // Higher score first, then id (never input order). Infinity − Infinity is NaN, which is falsy.
  order.sort((a, b) => scores[b]! - scores[a]! || byId(items[a]!, items[b]!));
  let ids: string[] | undefined; // only MMR and exploration need them
  const idsOf = (): string[] => (ids ??= items.map((c) => c.id));
  const similarity = ctx.similarity ?? jaccardSimilarity;
  const ranked = diversify(order, scores, attrs, want, plan.diversity, () => similarity(idsOf(), attrs));

  const ex = plan.exploration;
  let exploration: Placement['exploration'];
  if (ex) {
    const pool: number[] = [];
    for (const i of order) {
      const c = items[i]!;
      if (ex.source !== undefined && !Object.hasOwn(c.sourceScores, ex.source)) continue;
      if (ex.when && !ex.when.test(attrs[i]!, now, c.id)) continue;
      pool.push(i);
    }
    exploration = { draw: new ExplorationDraw(pool, idsOf(), ctx.seed), isSlot: ex.isSlot, reason: ex.reason };
  }
  if (!exploration && pins.length === 0) return ranked.map((i) => items[i]!);
  return placeItems({ ranked, items, pins, exploration }, want);
}

const compiled = new WeakMap<object, PostProcessPlan>();

function planOf(config: PostProcessPlan | SurfaceRulesInput): PostProcessPlan {
  if (isPostProcessPlan(config)) return config;
  let plan = compiled.get(config);
  if (!plan) compiled.set(config, (plan = compilePostProcess(config)));
  return plan;
}
