// The simulated mode of bench/ranker.mts: a ClickWorld (users with category tastes, items with
// quality, popularity and age; position-biased clicks) whose users' pasts train the real
// candidate sources; the default ranker serves two weeks of requests, the impressions and clicks
// are logged (half the clicks echo the request id, some come too late to attribute), turned
// into training groups, and the learned rankers are judged on a third week by the world's true
// click probabilities.
import { Rng } from '../src/core/index.js';
import { trainingDataFromLists } from '../src/data/index.js';
import type { Candidate } from '../src/pipeline/index.js';
import {
  buildTrainingGroups,
  DefaultRanker,
  FeatureAssembler,
  GbdtRanker,
  groupsWithOutcome,
  trainLearnedRanker,
  userProfile,
  type GbdtParamsInput,
  type Ranker,
} from '../src/pipeline/ranking/index.js';
import { ClickWorld } from '../src/pipeline/ranking/testing/click-world.js';
import { evaluateInWorld, simulateLog, type SimulationSetup } from '../src/pipeline/ranking/testing/simulate.js';
import { importanceLine, printTable, proposeCandidates, trainSources, type SourceSpec } from './ranker-common.mjs';

const DAY = 86_400_000;
const WORLD = { users: 1000, items: 1500, categories: 12 };
const LOG = { requests: 8000, shown: 10, explore: 2, echoShare: 0.5, days: 14 };
const TEST = { requests: 1000, days: 7 };

export interface SimulatedOptions {
  k: number;
  seed: number;
  perSource: number;
  sources: readonly SourceSpec[];
  params: GbdtParamsInput;
  logistic: GbdtParamsInput;
}

export async function runSimulated(o: SimulatedOptions): Promise<void> {
  const SOURCES = o.sources;
  const PER_SOURCE = o.perSource;
  const t0 = performance.now();
  const world = new ClickWorld({ ...WORLD, seed: o.seed });
  console.log(`\n== Simulated impression log ==`);
  console.log(
    `  world ${JSON.stringify(WORLD)} (position bias 1/(1+p)^${world.o.positionBias}); log ${JSON.stringify(LOG)}; ` +
      `test ${JSON.stringify(TEST)}; ${PER_SOURCE} candidates per source; sources ${SOURCES.map((s) => s.name).join(', ')}, fresh`,
  );
  const rng = new Rng(o.seed);
  const histories = world.userIds.map((_, u) => world.sampleHistory(u, 10 + rng.int(31), rng));
  const data = trainingDataFromLists(
    histories.map((h, u) => [world.userIds[u]!, h.map((i) => world.itemIds[i]!)]),
    { now: world.o.start },
  );
  const models = await trainSources(data, SOURCES, o.seed);
  const counts = new Float64Array(world.o.items);
  for (const h of histories) for (const i of h) counts[i]!++;
  const profiles = histories.map((h) => userProfile(h.map((i) => world.itemIds[i]!), world.attributes));
  const blocked = histories.map((h) => new Set(h.map((i) => data.items.indexOf(world.itemIds[i]!))));
  const newest = Array.from(world.itemIds.keys()).sort((a, b) => world.itemAttributes[b]!.createdAt - world.itemAttributes[a]!.createdAt);
  const sourceNames = [...SOURCES.map((s) => s.name), 'fresh'];
  const assembler = new FeatureAssembler({ sources: sourceNames });

  const setup: SimulationSetup = {
    world,
    assembler,
    popularity: (id) => counts[world.itemIndex(id)],
    profile: (u) => profiles[u]!,
    candidatesFor(u: number, now: number): Candidate[] {
      const candidates = proposeCandidates(models, data, data.users.indexOf(world.userIds[u]!), PER_SOURCE, blocked[u]!);
      const byId = new Map(candidates.map((c) => [c.id, c]));
      const seen = new Set(histories[u]);
      let added = 0;
      for (const i of newest) {
        if (added >= PER_SOURCE) break;
        if (seen.has(i)) continue;
        added++;
        const id = world.itemIds[i]!;
        const score = -(now - world.itemAttributes[i]!.createdAt) / DAY; // newer is higher
        const c = byId.get(id);
        if (c) c.sourceScores['fresh'] = score;
        else candidates.push({ id, sourceScores: { fresh: score }, source: 'fresh', reason: 'new', score: 0 });
      }
      return candidates;
    },
  };

  const incumbent = new DefaultRanker(assembler.names);
  const log = simulateLog(setup, incumbent, { ...LOG, seed: o.seed + 1, from: world.o.start, spanMs: LOG.days * DAY });
  const groups = buildTrainingGroups(log.impressions, log.outcomes);
  console.log(
    `  logged ${log.impressions.length} impressions, ${log.outcomes.length} clicks: ${groups.attributed} attributed, ` +
      `${groups.unattributed} not (late and without request id); ${groupsWithOutcome(groups).length} groups with a click`,
  );
  const rankers: [string, Ranker][] = sourceNames.map((s) => [s, new DefaultRanker(assembler.names, { weights: { [s]: 1 }, defaultWeight: 0 })]);
  rankers.push(['default (rrf)', incumbent], ['default (zscore)', new DefaultRanker(assembler.names, { method: 'zscore' })]);
  for (const [name, params] of [['lambdamart', o.params], ['logistic', o.logistic]] as const) {
    const r = trainLearnedRanker(groups, { featureNames: assembler.names, incumbent, seed: o.seed, params });
    console.log(`  ${name}: ${r.model?.treeCount ?? 0} trees; ${r.reason}`);
    if (r.model) {
      console.log(`    gain importance: ${importanceLine(r.model.featureImportance())}`);
      rankers.push([name, new GbdtRanker(r.model, assembler.names)]);
    }
  }
  const report = evaluateInWorld(setup, Object.fromEntries(rankers), {
    requests: TEST.requests,
    seed: o.seed + 2,
    from: world.o.start + LOG.days * DAY,
    spanMs: TEST.days * DAY,
    k: o.k,
  });
  console.log(`\n  On ${TEST.requests} new requests, judged by the true click probabilities (gain = P(click | examined)):`);
  printTable([`ndcg@${o.k}`, `clicks@${o.k}`], rankers.map(([name]) => ({ name, cells: [report[name]!.ndcg, report[name]!.clicks] })));
  const best = sourceNames.reduce((a, b) => (report[b]!.ndcg > report[a]!.ndcg ? b : a));
  const lm = report['lambdamart'];
  if (lm) {
    const gain = lm.ndcg - report[best]!.ndcg;
    console.log(`  LambdaMART vs best single source (${best}): ${gain >= 0 ? '+' : ''}${gain.toFixed(4)} NDCG@${o.k} (${((gain / report[best]!.ndcg) * 100).toFixed(1)}%)`);
  }
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
