import { describe, expect, it } from 'vitest';
import { DefaultRanker } from './default-ranker.js';
import { buildTrainingGroups } from './training-groups.js';
import { groupsWithOutcome, scoreByGroup, trainLearnedRanker } from './learned-ranker.js';
import { ClickWorld } from './testing/click-world.js';
import { evaluateInWorld, simulateLog } from './testing/simulate.js';
import { SYNTHETIC_SOURCES, syntheticSetup } from './testing/synthetic-sources.js';

const DAY = 86_400_000;
const world = new ClickWorld({ users: 300, items: 400 });
const setup = syntheticSetup(world, { seed: 1, historyLength: 15, perSource: 30, tasteNoise: 1.5 });
const names = setup.assembler.names;
const incumbent = new DefaultRanker(names);
const log = simulateLog(setup, incumbent, { requests: 3000, seed: 2, from: world.o.start, spanMs: 7 * DAY, shown: 12, explore: 3, echoShare: 0.5 });
const groups = buildTrainingGroups(log.impressions, log.outcomes);
const params = { trees: 200, learningRate: 0.1, maxLeaves: 15, minDataInLeaf: 30 } as const;

describe('the learned ranker from a simulated impression log', () => {
  it('attributes most clicks and builds one group per request', () => {
    expect(groups.requestIds.length).toBe(log.impressions.length);
    expect(groups.attributed).toBeGreaterThan(0.8 * log.outcomes.length);
    expect(groups.unattributed).toBeGreaterThan(0); // late clicks without a request id
    expect(groupsWithOutcome(groups).length).toBeGreaterThan(1000);
  });

  it('LambdaMART beats every single source and the default, judged by the true preferences', () => {
    const result = trainLearnedRanker(groups, { featureNames: names, incumbent, seed: 3, params: { ...params, objective: 'lambdamart' } });
    expect(result.promoted).toBe(true);
    expect(result.ranker.kind).toBe('gbdt-lambdamart');
    const singles = Object.fromEntries(SYNTHETIC_SOURCES.map((s) => [s, new DefaultRanker(names, { weights: { [s]: 1 }, defaultWeight: 0 })]));
    const report = evaluateInWorld(setup, { ...singles, default: incumbent, learned: result.ranker }, { requests: 400, seed: 4, from: world.o.start + 7 * DAY, spanMs: 7 * DAY, k: 10 });
    const bestSingle = Math.max(...SYNTHETIC_SOURCES.map((s) => report[s]!.ndcg));
    expect(report['learned']!.ndcg).toBeGreaterThan(bestSingle + 0.01);
    expect(report['learned']!.ndcg).toBeGreaterThan(report['default']!.ndcg);
    expect(report['learned']!.clicks).toBeGreaterThan(report['default']!.clicks);
  });

  it('the logistic objective predicts the observed click rate', () => {
    const result = trainLearnedRanker(groups, { featureNames: names, incumbent, seed: 3, params: { ...params, objective: 'binary' } });
    expect(result.model).not.toBeNull();
    const p = scoreByGroup(result.ranker, groups).map((s) => 1 / (1 + Math.exp(-s)));
    const meanP = p.reduce((a, b) => a + b, 0) / p.length;
    const rate = groups.labels.reduce((a, b) => a + b, 0) / groups.labels.length;
    expect(Math.abs(meanP - rate)).toBeLessThan(0.1 * rate);
  });

  it('cross-validates the number of rounds when asked, judging promotion out of fold', () => {
    const result = trainLearnedRanker(groups, { featureNames: names, incumbent, seed: 3, folds: 3, params: { ...params, objective: 'lambdamart', trees: 60 } });
    expect(result.heldOut!.groups).toBe(groupsWithOutcome(groups).length);
    expect(result.reason).toMatch(/3-fold out-of-fold/);
    expect(result.model!.treeCount).toBeGreaterThan(0);
    expect(result.model!.treeCount).toBeLessThanOrEqual(60);
    expect(result.promoted).toBe(true);
    expect(result.heldOut!.learned).toBeGreaterThan(result.heldOut!.incumbent);
  });

  it('keeps the incumbent until there are enough groups with an outcome', () => {
    const result = trainLearnedRanker(groups, { featureNames: names, incumbent, seed: 3, minGroupsWithOutcome: 1_000_000 });
    expect(result.promoted).toBe(false);
    expect(result.ranker).toBe(incumbent);
    expect(result.reason).toMatch(/groups with an outcome/);
  });
});
