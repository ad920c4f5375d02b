import { MagpieError } from '../core/index.js';
import type { SourceSpec, SurfaceConfig } from '../config/index.js';
import type { Candidate } from './candidate.js';
import {
  collaborativeSource,
  freshSource,
  isPersonalSource,
  mergeCandidates,
  neighbourSource,
  PERSONAL_REASON,
  rankedSource,
  type CandidateSource,
  type SourceInput,
  type VectorRetrieval,
} from './candidates/index.js';
import { compilePostProcess, postProcess, type PostProcessPlan, type RequestFilters } from './postprocess/index.js';
import { queryFor } from './query.js';

/** Orders candidates: sets each one's `score` from its source scores (and anything else it knows). */
export type RankStep = (candidates: Candidate[], input: SourceInput) => void;

/** A surface ready to serve: its sources built and its post-processing compiled, once. */
export interface Surface {
  readonly name: string;
  readonly config: SurfaceConfig;
  readonly sources: readonly { source: CandidateSource; limit: number }[];
  readonly plan: PostProcessPlan;
}

export interface SurfaceRequest {
  n: number;
  offset: number;
  filters?: RequestFilters | undefined;
  /** Seeds the exploration draw (per user and day, so a page is stable). */
  seed: number;
  excludeSeen: boolean;
  /** For an anchor `list` surface (rerank): the caller's items, the only candidates. */
  items?: readonly string[] | undefined;
}

/** Compiles a surface's configuration; bad rules are a CONFIG_INVALID naming the surface. */
export function buildSurface(name: string, config: SurfaceConfig, retrieval: VectorRetrieval): Surface {
  let plan: PostProcessPlan;
  try {
    plan = compilePostProcess(config.postprocess);
  } catch (err) {
    if (err instanceof MagpieError) throw new MagpieError('CONFIG_INVALID', `surface "${name}": ${err.message}`, err.details);
    throw err;
  }
  return { name, config, plan, sources: config.sources.map((spec) => ({ source: sourceOf(spec, retrieval), limit: spec.limit })) };
}

function sourceOf(spec: SourceSpec, retrieval: VectorRetrieval): CandidateSource {
  switch (spec.type) {
    case 'collaborative':
      return collaborativeSource(retrieval, spec.role, spec.name);
    case 'neighbours':
      return neighbourSource({ name: spec.name, role: spec.role, recent: spec.recent, perItem: spec.perItem });
    case 'ranked':
      return rankedSource({
        name: spec.name,
        role: spec.role,
        segment: spec.segment,
        reason: spec.role === 'trending' ? (c) => (c ? `trending in ${c}` : 'trending now') : (c) => (c ? `popular in ${c}` : 'popular with everyone'),
      });
    case 'fresh':
      return freshSource({ name: spec.name, maxAgeDays: spec.maxAgeDays, scan: spec.scan });
  }
}

/**
 * One request through a surface: every source proposes, proposals merge, the ranker scores,
 * post-processing filters, re-scores, diversifies and pages; the final page's personalised
 * items get their "because you liked …" reason. A `list` surface ranks only the caller's items
 * (items no source proposed keep their given order, after the scored ones).
 */
export function runSurface(surface: Surface, input: SourceInput, req: SurfaceRequest, rank: RankStep): Candidate[] {
  const candidates =
    surface.config.anchor === 'list'
      ? listCandidates(surface, input, req.items ?? [])
      : mergeCandidates(surface.sources.map(({ source, limit }) => source.generate(input, limit)));
  rank(candidates, input);
  const page = postProcess(
    candidates,
    {
      attributes: input.attributes,
      now: input.now,
      seed: req.seed,
      offset: req.offset,
      n: req.n,
      seen: input.history.seen,
      excludeSeen: req.excludeSeen && surface.config.anchor !== 'list',
      disliked: input.history.negatives,
      request: req.filters,
    },
    surface.plan,
  );
  explainPersonal(page, input);
  return page;
}

/**
 * The caller's items as candidates, scored by every source that can score them. An item no
 * source scores keeps a score below every scored one that preserves the caller's order.
 */
function listCandidates(surface: Surface, input: SourceInput, items: readonly string[]): Candidate[] {
  const ids = [...new Set(items)];
  const out: Candidate[] = ids.map((id, r) => ({ id, sourceScores: {}, source: 'request', reason: 'in your list', score: -1 - r }));
  for (const { source, limit } of surface.sources) {
    let scores: (number | undefined)[];
    let reasons: (string | undefined)[] = [];
    if (source.scoreItems) scores = source.scoreItems(input, ids);
    else {
      const proposed = new Map(source.generate(input, limit).map((c) => [c.id, c]));
      scores = ids.map((id) => proposed.get(id)?.sourceScores[source.name]);
      reasons = ids.map((id) => proposed.get(id)?.reason);
    }
    scores.forEach((s, r) => {
      if (s === undefined || !Number.isFinite(s)) return;
      const c = out[r]!;
      if (c.source === 'request') {
        c.source = source.name;
        c.reason = isPersonalSource(source) ? PERSONAL_REASON : (reasons[r] ?? c.reason);
      }
      c.sourceScores[source.name] = s;
    });
  }
  return out;
}

/**
 * How many of the user's newest positive items an explanation may name: bounds the cost for
 * long histories (each is compared with every page item) and keeps reasons about recent tastes.
 */
export const EXPLAIN_RECENT = 100;

/** "because you liked X" for the page's collaborative items, from the model that proposed them. */
function explainPersonal(page: Candidate[], input: SourceInput): void {
  const model = input.models.get('main')?.model;
  if (!model?.explain) return;
  let query: ReturnType<typeof queryFor> | undefined;
  for (const c of page) {
    if (c.reason !== PERSONAL_REASON) continue;
    const i = model.items.indexOf(c.id);
    if (i < 0) continue;
    if (!query) {
      const all = queryFor(model, input.history);
      query = { user: -1, items: all.items.subarray(0, EXPLAIN_RECENT), weights: all.weights.subarray(0, EXPLAIN_RECENT) };
    }
    const h = model.explain(query, i);
    if (h >= 0) c.reason = `because you liked "${input.title(model.items.idAt(query.items[h]!))}"`;
  }
}
