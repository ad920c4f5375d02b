/**
 * Serving simulated requests in a ClickWorld: log impressions and position-biased clicks the
 * way the engine will (some outcomes echo the request id, some do not, some come too late to
 * be attributed), and measure rankers against the world's true preferences.
 */
import { Rng } from '../../../core/index.js';
import type { Impression, Outcome } from '../../../ports/index.js';
import type { Candidate } from '../../candidate.js';
import type { FeatureAssembler, UserProfile } from '../features.js';
import type { FeatureMatrix } from '../gbdt/index.js';
import type { Ranker } from '../ranker.js';
import { trueNdcg, type ClickWorld } from './click-world.js';

export interface SimulationSetup {
  world: ClickWorld;
  assembler: FeatureAssembler;
  /** Candidates (merged source proposals) for user u at time `now`. */
  candidatesFor(u: number, now: number): Candidate[];
  popularity: (id: string) => number | undefined;
  profile(u: number): UserProfile;
  surface?: string;
}

export interface RequestOptions {
  requests: number;
  seed: number;
  /** Requests happen uniformly in [from, from + spanMs). */
  from: number;
  spanMs: number;
}

export interface LogOptions extends RequestOptions {
  /** Items shown per response. */
  shown: number;
  /** Of those, how many are random other candidates at random places (exploration). */
  explore: number;
  /** Share of outcomes that echo the request id. */
  echoShare: number;
}

interface Request {
  u: number;
  now: number;
  candidates: Candidate[];
  rows: FeatureMatrix;
}

function* requests(setup: SimulationSetup, o: RequestOptions, rng: Rng): Generator<Request> {
  for (let q = 0; q < o.requests; q++) {
    const u = rng.int(setup.world.o.users);
    const now = Math.floor(o.from + rng.next() * o.spanMs);
    const candidates = setup.candidatesFor(u, now);
    if (candidates.length === 0) continue;
    const rows = setup.assembler.assemble({
      candidates,
      attributes: setup.world.attributes,
      popularity: setup.popularity,
      user: setup.profile(u),
      now,
      surface: setup.surface ?? 'home',
    });
    yield { u, now, candidates, rows };
  }
}

/** Serves `requests` with `ranker` and logs what was shown and clicked. */
export function simulateLog(setup: SimulationSetup, ranker: Ranker, o: LogOptions): { impressions: Impression[]; outcomes: Outcome[] } {
  const rng = new Rng(o.seed);
  const world = setup.world;
  const impressions: Impression[] = [];
  const outcomes: Outcome[] = [];
  let q = 0;
  for (const req of requests(setup, o, rng)) {
    const scores = ranker.score(req.rows);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const top = order.slice(0, Math.max(0, o.shown - o.explore));
    const rest = rng.shuffle(order.slice(top.length));
    for (const extra of rest.slice(0, o.shown - top.length)) top.splice(rng.int(top.length + 1), 0, extra);
    const requestId = `req${o.seed}-${q++}`;
    const user = world.userIds[req.u]!;
    impressions.push({
      requestId,
      user,
      surface: setup.surface ?? 'home',
      time: req.now,
      items: top.map((r, position) => ({
        item: req.candidates[r]!.id,
        position,
        source: req.candidates[r]!.source,
        score: scores[r]!,
        features: Array.from(req.rows.values.subarray(r * req.rows.cols, (r + 1) * req.rows.cols)),
      })),
    });
    top.forEach((r, position) => {
      const i = world.itemIndex(req.candidates[r]!.id);
      if (rng.next() >= world.examination(position) * world.attraction(req.u, i, req.now)) return;
      const echo = rng.next() < o.echoShare;
      const delay = rng.next() * 40 * 60_000; // up to 40 min: past the default 30-min window sometimes
      outcomes.push({ user, item: req.candidates[r]!.id, type: 'click', time: req.now + delay, ...(echo ? { requestId } : {}) });
    });
  }
  return { impressions, outcomes };
}

export interface RankerReport {
  /** Mean NDCG@k with the world's attraction probabilities as gains. */
  ndcg: number;
  /** Expected clicks in the top k under the position-based click model. */
  clicks: number;
}

/** Fresh requests ranked by each ranker, judged by the world's true preferences. */
export function evaluateInWorld(setup: SimulationSetup, rankers: Readonly<Record<string, Ranker>>, o: RequestOptions & { k: number }): Record<string, RankerReport> {
  const rng = new Rng(o.seed);
  const sums = Object.fromEntries(Object.keys(rankers).map((name) => [name, { ndcg: 0, clicks: 0 }]));
  let n = 0;
  for (const req of requests(setup, o, rng)) {
    const gains = Float64Array.from(req.candidates, (c) => setup.world.attraction(req.u, setup.world.itemIndex(c.id), req.now));
    for (const [name, ranker] of Object.entries(rankers)) {
      const scores = ranker.score(req.rows);
      const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
      sums[name]!.ndcg += trueNdcg(gains, scores, o.k);
      for (let p = 0; p < Math.min(o.k, order.length); p++) sums[name]!.clicks += setup.world.examination(p) * gains[order[p]!]!;
    }
    n++;
  }
  return Object.fromEntries(Object.entries(sums).map(([name, s]) => [name, { ndcg: s.ndcg / n, clicks: s.clicks / n }]));
}
