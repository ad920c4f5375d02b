import type { Candidate, ItemAttributes } from '../candidate.js';
import type { PostProcessContext } from './context.js';
import { LRUCache } from 'lru-cache';
import { compileExpression, type ItemPredicate } from './expression-compile.js';
import type { PostProcessPlan } from './plan.js';

/**
 * The filters, in the order they are checked. Every filter only removes, so the surviving set
 * does not depend on the order; the order decides which reason `whyRemoved` reports (the first
 * that applies) and keeps the cheap checks (set look-ups) ahead of expression evaluation.
 */
export const FILTER_ORDER = [
  'unknown', // the attribute lookup does not know the item
  'hidden', // attrs.hidden
  'unavailable', // ctx.isAvailable said no (stock, region…)
  'disliked', // in ctx.disliked: always removed
  'seen', // in ctx.seen, when ctx.excludeSeen is not false
  'excluded', // in ctx.request.exclude
  'category', // request.categories given and the item has none of them
  'tag', // request.tags given and the item has none of them
  'filter', // request.filter given and the item does not match
  'require-rule', // a config `require` rule the item does not match
  'exclude-rule', // a config `exclude` rule the item matches
] as const;

export type FilterName = (typeof FILTER_ORDER)[number];

/** Says which filter removes an item (the first in FILTER_ORDER), or undefined when it stays. */
export type FilterCheck = (id: string, attrs: ItemAttributes | undefined) => FilterName | undefined;

/** Builds the request's check once: sets and the `?filter=` expression are prepared here. */
export function makeFilterCheck(ctx: PostProcessContext, plan: PostProcessPlan): FilterCheck {
  const now = ctx.now;
  const req = ctx.request;
  const seen = ctx.excludeSeen === false ? undefined : ctx.seen;
  const disliked = ctx.disliked;
  const exclude = req?.exclude;
  const available = ctx.isAvailable;
  const categories = req?.categories && req.categories.length > 0 ? new Set(req.categories) : undefined;
  const tags = req?.tags && req.tags.length > 0 ? new Set(req.tags) : undefined;
  let filter: ItemPredicate | undefined;
  if (req?.filter !== undefined) filter = typeof req.filter === 'string' ? requestFilter(req.filter) : req.filter.test;
  const requires = plan.require.map((r) => r.test);
  const excludes = plan.exclude.map((r) => r.test);

  return (id, attrs) => {
    if (attrs === undefined) return 'unknown';
    if (attrs.hidden) return 'hidden';
    if (available && !available(id, attrs)) return 'unavailable';
    if (disliked?.has(id)) return 'disliked';
    if (seen?.has(id)) return 'seen';
    if (exclude?.has(id)) return 'excluded';
    if (categories && !anyIn(attrs.categories, categories)) return 'category';
    if (tags && !anyIn(attrs.tags, tags)) return 'tag';
    if (filter && !filter(attrs, now, id)) return 'filter';
    for (let i = 0; i < requires.length; i++) if (!requires[i]!(attrs, now, id)) return 'require-rule';
    for (let i = 0; i < excludes.length; i++) if (excludes[i]!(attrs, now, id)) return 'exclude-rule';
    return undefined;
  };
}

/** Candidates that pass, as copies (later steps change score and reason), with their attributes. */
export interface Filtered {
  items: Candidate[];
  attrs: ItemAttributes[];
}

/**
 * Keeps the candidates every filter lets through. A candidate id seen twice keeps its first
 * occurrence. A NaN score (a broken ranker) becomes -Infinity so that sorting stays total.
 */
export function applyFilters(candidates: readonly Candidate[], ctx: PostProcessContext, check: FilterCheck): Filtered {
  const items: Candidate[] = [];
  const attrs: ItemAttributes[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (taken.has(c.id)) continue;
    taken.add(c.id);
    const a = c.attrs ?? ctx.attributes(c.id);
    if (check(c.id, a) !== undefined) continue;
    // A copy (rules re-score it), which must keep the ranking features: the impression log
    // records them for the learned ranker's training.
    const score = Number.isNaN(c.score) ? -Infinity : c.score;
    items.push({ id: c.id, sourceScores: c.sourceScores, source: c.source, reason: c.reason, score, attrs: a, ...(c.features ? { features: c.features } : {}) });
    attrs.push(a!);
  }
  return { items, attrs };
}

function anyIn(values: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < values.length; i++) if (set.has(values[i]!)) return true;
  return false;
}

// `?filter=` strings repeat across requests (a page's own filter links): compile each once.
// Compiled predicates are pure, so they are shared; a string that fails to compile throws each time.
const requestFilters = new LRUCache<string, ItemPredicate>({ max: 1000 });

function requestFilter(source: string): ItemPredicate {
  let test = requestFilters.get(source);
  if (!test) requestFilters.set(source, (test = compileExpression(source).test));
  return test;
}
