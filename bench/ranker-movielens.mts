// The MovieLens mode of bench/ranker.mts: a global time split of ml-latest-small.
//
// Ranker training data: for several cutoffs c_j before the 80% point of event time, sources are
// trained on events before c_j; every user with a training history and positive ratings
// (≥ 4 stars) in [c_j, c_j+1) gets one query group: the union of the sources' top N
// (items the user rated before c_j excluded), labelled 1 where the user rated the item
// positively in the window. Evaluation: sources retrained on events before the 80% point, users
// active after it, their later positives as the relevant set.
import { existsSync, readFileSync } from 'node:fs';
import type { FeedbackEvent } from '../src/core/index.js';
import { MOVIELENS_FEEDBACK_TYPES, readEventsCsv, SnapshotBuilder, type TrainingData } from '../src/data/index.js';
import { ndcgAtK, recallAtK } from '../src/eval/index.js';
import type { ItemAttributes } from '../src/pipeline/index.js';
import { FeatureAssembler, userProfile, type FeatureMatrix } from '../src/pipeline/ranking/index.js';
import { proposeCandidates, trainSources, type SourceSpec } from './ranker-common.mjs';

export interface Stage {
  /** One group per user: the candidates' feature rows, 0/1 labels. */
  features: FeatureMatrix;
  labels: Float64Array;
  groups: Int32Array;
  /** Per group: the user's relevant items in the window (all of them, proposed or not). */
  relevant: Set<string>[];
  /** Per group: candidate ids in row order. */
  ids: string[][];
  /** Relevant items among the candidates, and all relevant items (their ratio is the union's recall). */
  covered: number;
  totalRelevant: number;
}

export interface MovieLensData {
  events: FeedbackEvent[];
  times: Float64Array;
  attributes: (id: string) => ItemAttributes | undefined;
}

export async function loadMovieLens(dir: string): Promise<MovieLensData | null> {
  const ratings = `${dir}/ratings.csv`;
  const moviesFile = `${dir}/movies.csv`;
  if (!existsSync(ratings) || !existsSync(moviesFile)) return null;
  const events = (await readEventsCsv(ratings)).sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
  const genres = new Map<string, string[]>();
  for (const line of readFileSync(moviesFile, 'utf8').split('\n').slice(1)) {
    if (line.trim() === '') continue;
    // movieId,title,genres — the title may hold quoted commas, genres never do.
    const id = line.slice(0, line.indexOf(','));
    const g = line.slice(line.lastIndexOf(',') + 1).trim();
    genres.set(id, g === '(no genres listed)' ? [] : g.split('|'));
  }
  // An item "appears" at its first rating: the closest MovieLens has to a creation time. Taken
  // over all events, but every candidate of a stage was rated before its cutoff, so for them it
  // equals the first rating before the cutoff: no future leaks into item_age_days.
  const firstSeen = new Map<string, number>();
  for (const e of events) if (!firstSeen.has(e.item)) firstSeen.set(e.item, e.timestamp);
  const attrs = new Map<string, ItemAttributes>();
  for (const [id, createdAt] of firstSeen) {
    attrs.set(id, { kind: 'movie', categories: genres.get(id) ?? [], tags: [], numeric: {}, createdAt, hidden: false });
  }
  return { events, times: Float64Array.from(events, (e) => e.timestamp), attributes: (id) => attrs.get(id) };
}

/** The event time at quantile q of all events. */
export function timeAt(ml: MovieLensData, q: number): number {
  return q >= 1 ? Infinity : ml.times[Math.min(ml.times.length - 1, Math.floor(q * ml.times.length))]!;
}

export async function buildStage(
  ml: MovieLensData,
  cutoff: number,
  end: number,
  sources: readonly SourceSpec[],
  assembler: FeatureAssembler,
  options: { perSource: number; seed: number },
): Promise<Stage> {
  const builder = new SnapshotBuilder(MOVIELENS_FEEDBACK_TYPES);
  const rated = new Map<string, Set<string>>(); // everything a user rated before the cutoff
  for (const e of ml.events) {
    if (e.timestamp >= cutoff) break;
    builder.add(e);
    let s = rated.get(e.user);
    if (!s) rated.set(e.user, (s = new Set()));
    s.add(e.item);
  }
  const data: TrainingData = builder.build(cutoff);
  // Window: positives of users with a training history, on items they had not rated; the
  // request happens at the user's first event in the window.
  const relevant = new Map<string, Set<string>>();
  const requestTime = new Map<string, number>();
  for (const e of ml.events) {
    if (e.timestamp < cutoff || e.timestamp >= end) continue;
    const u = data.users.indexOf(e.user);
    if (u < 0 || data.interactions.indptr[u + 1]! === data.interactions.indptr[u]!) continue;
    if (!requestTime.has(e.user)) requestTime.set(e.user, e.timestamp);
    if ((e.value ?? 0) < 4 || rated.get(e.user)?.has(e.item)) continue;
    let s = relevant.get(e.user);
    if (!s) relevant.set(e.user, (s = new Set()));
    s.add(e.item);
  }
  const models = await trainSources(data, sources, options.seed);
  const counts = new Float64Array(data.items.size);
  for (let k = 0; k < data.interactions.indices.length; k++) counts[data.interactions.indices[k]!]!++;
  const popularity = (id: string): number | undefined => counts[data.items.indexOf(id)];

  const rows: number[] = [];
  const labels: number[] = [];
  const groups = [0];
  const relevantSets: Set<string>[] = [];
  const ids: string[][] = [];
  let covered = 0;
  let total = 0;
  for (const [user, items] of [...relevant].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const u = data.users.indexOf(user);
    const blocked = new Set([...rated.get(user)!].map((id) => data.items.indexOf(id)));
    const candidates = proposeCandidates(models, data, u, options.perSource, blocked);
    const history = data.interactions.indices.subarray(data.interactions.indptr[u]!, data.interactions.indptr[u + 1]!);
    const m = assembler.assemble({
      candidates,
      attributes: ml.attributes,
      popularity,
      user: userProfile(Array.from(history, (i) => data.items.idAt(i)), ml.attributes),
      now: requestTime.get(user)!,
      surface: 'home',
    });
    for (const v of m.values) rows.push(v);
    for (const c of candidates) labels.push(items.has(c.id) ? 1 : 0);
    groups.push(labels.length);
    relevantSets.push(items);
    ids.push(candidates.map((c) => c.id));
    covered += candidates.filter((c) => items.has(c.id)).length;
    total += items.size;
  }
  return {
    features: { rows: labels.length, cols: assembler.width, values: Float64Array.from(rows) },
    labels: Float64Array.from(labels),
    groups: Int32Array.from(groups),
    relevant: relevantSets,
    ids,
    covered,
    totalRelevant: total,
  };
}

/** Several stages as one (their groups one after another). */
export function concatStages(stages: readonly Stage[]): Stage {
  const cols = stages[0]!.features.cols;
  const rows = stages.reduce((s, g) => s + g.features.rows, 0);
  const values = new Float64Array(rows * cols);
  const labels = new Float64Array(rows);
  const groups = [0];
  let at = 0;
  for (const g of stages) {
    values.set(g.features.values, at * cols);
    labels.set(g.labels, at);
    for (let q = 1; q < g.groups.length; q++) groups.push(at + g.groups[q]!);
    at += g.features.rows;
  }
  return {
    features: { rows, cols, values },
    labels,
    groups: Int32Array.from(groups),
    relevant: stages.flatMap((g) => g.relevant),
    ids: stages.flatMap((g) => g.ids),
    covered: stages.reduce((s, g) => s + g.covered, 0),
    totalRelevant: stages.reduce((s, g) => s + g.totalRelevant, 0),
  };
}

/** NDCG@k and Recall@k per stage user of the ranking given by per-row scores. */
export function evaluateStage(stage: Stage, scores: Float64Array, k: number): { ndcg: Float64Array; recall: Float64Array } {
  const n = stage.relevant.length;
  const ndcg = new Float64Array(n);
  const recall = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const start = stage.groups[q]!;
    const ids = stage.ids[q]!;
    // Integer ids for the metrics: candidates are 0..n−1, relevant items outside them count as misses.
    const index = new Map(ids.map((id, i) => [id, i]));
    let extra = ids.length;
    const relevant = new Set([...stage.relevant[q]!].map((id) => index.get(id) ?? extra++));
    const order = Array.from(ids.keys()).sort((a, b) => scores[start + b]! - scores[start + a]! || a - b);
    ndcg[q] = ndcgAtK(order, relevant, k);
    recall[q] = recallAtK(order, relevant, k);
  }
  return { ndcg, recall };
}
