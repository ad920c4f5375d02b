import { describe, expect, it } from 'vitest';
import { ials, itemKnn, popularity } from '../algorithms/index.js';
import { syntheticSplit } from '../algorithms/testing/synthetic.js';
import { testSetFromRows, type Split } from '../data/index.js';
import { evaluateModel } from './protocol.js';
import { tune, type TuneResult } from './tune.js';

/** The synthetic quality-band data set (800 users, 400 items) as an evaluation split. */
function synthetic(): Split {
  const { train, holdout } = syntheticSplit();
  return { train, test: testSetFromRows(new Map(holdout.map((items, u) => [u, items]))) };
}
const split = synthetic();

function expectSortedBestFirst(result: TuneResult): void {
  for (let t = 1; t < result.trials.length; t++) {
    expect(result.trials[t - 1]!.score).toBeGreaterThanOrEqual(result.trials[t]!.score);
  }
  for (const t of result.trials) expect(t.score).toBe(t.metrics[result.metric]);
}

describe('tune', () => {
  it('tries the defaults then seeded samples, best first, and its scores are the protocol\'s', async () => {
    const seen: number[] = [];
    const result = await tune(itemKnn, split, { trials: 6, seed: 5, onTrial: (t) => seen.push(t.trial) });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result.stopped).toBe('completed');
    expect(result.metric).toBe('ndcg@20');
    expect(result.k).toEqual([20]);
    expect(result.users).toBe(800);
    expectSortedBestFirst(result);
    const defaults = result.trials.find((t) => t.trial === 0)!;
    expect(defaults.params).toEqual(itemKnn.paramsSchema.parse({}));
    const best = result.trials[0]!;
    expect(best.score).toBeGreaterThanOrEqual(defaults.score);
    // Six sampled configurations differ from the defaults and from each other.
    expect(new Set(result.trials.map((t) => JSON.stringify(t.params))).size).toBe(7);
    // The reported numbers are what the protocol gives for those parameters.
    const model = await itemKnn.train(split.train, best.params as never, { seed: 5 });
    expect(evaluateModel(model, split, { k: 20 }).metrics).toEqual(best.metrics);
    // Same seed, same search.
    const again = await tune(itemKnn, split, { trials: 6, seed: 5 });
    expect(again.trials.map((t) => [t.trial, t.params, t.score])).toEqual(result.trials.map((t) => [t.trial, t.params, t.score]));
  });

  it('honours fixed parameters, a metric, extra cut-offs and a user sample', async () => {
    const result = await tune(ials, split, {
      trials: 3,
      seed: 1,
      metric: 'recall@10',
      k: [20],
      sampleUsers: 100,
      fixed: { factors: 8, epochs: 2 },
    });
    expect(result.users).toBe(100);
    expect(result.k).toEqual([10, 20]);
    expect(Object.keys(result.space)).not.toContain('factors');
    expect(Object.keys(result.space)).not.toContain('epochs');
    expect(result.trials).toHaveLength(4);
    expectSortedBestFirst(result);
    for (const t of result.trials) {
      expect(t.params).toMatchObject({ factors: 8, epochs: 2 });
      expect(Object.keys(t.metrics)).toEqual(expect.arrayContaining(['recall@10', 'ndcg@20']));
    }
    expect(result.trials.find((t) => t.trial === 0)!.params).toEqual(ials.paramsSchema.parse({ factors: 8, epochs: 2 }));
  });

  it('a search over fewer points than trials ends when every one has been tried', async () => {
    const result = await tune(popularity, split, { trials: 40, seed: 3 });
    expect(result.stopped).toBe('exhausted');
    // 8 half-lives × binary or not; trial 0 is one of them.
    expect(result.trials).toHaveLength(16);
    expect(new Set(result.trials.map((t) => JSON.stringify(t.params))).size).toBe(16);
    expectSortedBestFirst(result);
  });

  it('stops at the time budget (after trial 0) and on abort, keeping finished trials', async () => {
    const timed = await tune(itemKnn, split, { trials: 5, seed: 1, maxSeconds: 0 });
    expect(timed.stopped).toBe('time');
    expect(timed.trials.map((t) => t.trial)).toEqual([0]);

    const controller = new AbortController();
    const aborted = await tune(ials, split, {
      trials: 5,
      seed: 1,
      fixed: { factors: 8, epochs: 3 },
      signal: controller.signal,
      // Abort while trial 2 trains: it is dropped, trials 0 and 1 are kept.
      onProgress: (p) => p.trial === 2 && controller.abort(),
    });
    expect(aborted.stopped).toBe('aborted');
    expect(aborted.trials.map((t) => t.trial).sort()).toEqual([0, 1]);
  });

  it('refuses an unknown metric and invalid fixed parameters before training', async () => {
    await expect(tune(itemKnn, split, { trials: 1, seed: 1, metric: 'accuracy@20' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(tune(itemKnn, split, { trials: 1, seed: 1, metric: 'ndcg' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(tune(itemKnn, split, { trials: 1, seed: 1, fixed: { neighbors: 0 } })).rejects.toThrow(/fixed parameters for itemknn: neighbors/);
    await expect(tune(itemKnn, split, { trials: 1, seed: 1, fixed: { k: 5 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(tune(itemKnn, split, { trials: 1, seed: 1, sampleUsers: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
