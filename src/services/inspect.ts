import type { MagpieConfig } from '../config/index.js';
import { buildHistory, type Candidate, type RecommendedItem } from '../pipeline/index.js';
import type { DataStore } from '../ports/index.js';
import { preferencesOf, seedOf, withOnboarding, type RecommendService, type SurfaceQuery } from './recommend.js';

/** One source's proposals for the request, best first, with that source's own scores. */
export interface SourceCandidates {
  source: string;
  /** How many the surface asks this source for. */
  limit: number;
  candidates: { id: string; score: number; reason: string }[];
}

/** A candidate after ranking, before post-processing (filters, rules, diversity, paging). */
export interface RankedCandidate {
  id: string;
  source: string;
  score: number;
  /** Every proposing source's score. */
  sourceScores: Record<string, number>;
  /** The ranker's features by name; null for a missing value (a source that did not propose it). */
  features: Record<string, number | null>;
}

/** Why a user gets what they get on a surface: each stage of the pipeline, side by side. */
export interface Inspection {
  user: string;
  surface: string;
  /** The ranker in use: the default fusion, or the learned ranker's model-store version. */
  ranker: { type: 'default' | 'learned'; version: number };
  history: { positives: number; negatives: number; seen: number; lastEventAt: number | null };
  sources: SourceCandidates[];
  /** The best `rankedLimit` ranked candidates, highest score first. */
  ranked: RankedCandidate[];
  /** How many candidates were ranked in all. */
  rankedTotal: number;
  /** The list the user gets (what GET /api/recommend answers, without logging an impression). */
  items: RecommendedItem[];
  /** Display titles of every item named above. */
  titles: Record<string, string>;
  /** The user-anchored surfaces this request could have named. */
  surfaces: string[];
}

export interface InspectQuery extends SurfaceQuery {
  /** How many ranked candidates to return (default 50). */
  rankedLimit?: number | undefined;
}

/**
 * Replays a recommendation request stage by stage with the pipeline's own functions, for the
 * dashboard's user inspector. Nothing is cached or logged as an impression: inspecting a user
 * changes neither their lists nor the click-through statistics.
 */
export class InspectService {
  constructor(
    private readonly deps: {
      config: MagpieConfig;
      store: DataStore;
      recommend: RecommendService;
      now?: (() => number) | undefined;
    },
  ) {}

  async inspect(user: string, q: InspectQuery = {}): Promise<Inspection> {
    const { config, store, recommend } = this.deps;
    const name = q.surface ?? 'home';
    recommend.surfaces.expectAnchor(name, 'user');
    const built = recommend.surfaces.get(name);
    const now = this.deps.now?.() ?? Date.now();
    const [events, profile] = await Promise.all([store.userEvents(user, { limit: config.serving.historyLimit }), store.getUser(user)]);
    const prefs = preferencesOf(profile);
    const history = withOnboarding(buildHistory(events, config.feedback.types), prefs);
    const input = recommend.sourceInput(user, history, prefs, now, undefined);

    const sources = built.surface.sources.map(({ source, limit }) => ({
      source: source.name,
      limit,
      candidates: source.generate(input, limit).map((c) => ({ id: c.id, score: c.sourceScores[source.name] ?? c.score, reason: c.reason })),
    }));

    let ranked: RankedCandidate[] = [];
    const names = built.assembler.names;
    const { defaultN, maxN } = config.serving;
    const page = recommend.surfaces.run(
      name,
      input,
      {
        n: Math.min(q.n ?? defaultN, maxN),
        offset: q.offset ?? 0,
        seed: seedOf(user, now),
        excludeSeen: config.serving.excludeSeen,
        filters: {
          categories: q.category ? [q.category] : undefined,
          tags: q.tags && q.tags.length > 0 ? q.tags : undefined,
          filter: q.filter,
          exclude: q.exclude && q.exclude.length > 0 ? new Set(q.exclude) : undefined,
        },
      },
      // Copied now: post-processing re-scores and drops candidates after this point.
      (candidates) => (ranked = candidates.map((c) => rankedCopy(c, names))),
    );
    const rankedTotal = ranked.length;
    ranked.sort((a, b) => b.score - a.score);
    ranked = ranked.slice(0, q.rankedLimit ?? 50);
    const titles: Record<string, string> = {};
    for (const id of [...sources.flatMap((s) => s.candidates.map((c) => c.id)), ...ranked.map((c) => c.id), ...page.map((c) => c.id)]) {
      titles[id] ??= input.title(id);
    }
    return {
      user,
      surface: name,
      ranker: { type: built.learnedVersion > 0 ? 'learned' : 'default', version: built.learnedVersion },
      history: {
        positives: history.positives.size,
        negatives: history.negatives.size,
        seen: history.seen.size,
        lastEventAt: history.lastEventAt,
      },
      sources,
      ranked,
      rankedTotal,
      items: page.map((c) => ({ id: c.id, score: c.score, source: c.source, reason: c.reason })),
      titles,
      surfaces: recommend.surfaces.names().filter((s) => recommend.surfaces.get(s).surface.config.anchor === 'user'),
    };
  }
}

function rankedCopy(c: Candidate, names: readonly string[]): RankedCandidate {
  const features: Record<string, number | null> = {};
  if (c.features) {
    names.forEach((n, k) => {
      const v = c.features![k]!;
      features[n] = Number.isFinite(v) ? v : null;
    });
  }
  return { id: c.id, source: c.source, score: c.score, sourceScores: { ...c.sourceScores }, features };
}
