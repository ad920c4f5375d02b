import { describe, expect, it } from 'vitest';
import type { ModelMeta } from '../ports/index.js';
import { canonicalJson, judgeCandidate, type GateInput } from './model-gate.js';

const GATE = { enabled: true, metric: 'ndcg@20', tolerance: 0.05 };

function serving(algorithm: string, params: Record<string, unknown>): ModelMeta {
  return {
    name: 'main',
    version: 3,
    algorithm,
    params: params as ModelMeta['params'],
    metrics: { 'ndcg@20': 0.9 }, // measured on an older holdout: the gate must not use it
    trainedAt: 0,
    trainingSeconds: 1,
    data: { users: 1, items: 1, interactions: 1, events: 1, from: null, to: null },
    bytes: 1,
    state: 'serving',
    promotedAt: 0,
    gate: null,
  };
}

function input(overrides: Partial<GateInput>): GateInput {
  return {
    gate: GATE,
    algorithm: 'ials',
    params: { factors: 64 },
    metrics: { 'ndcg@20': 0.2 },
    serving: serving('itemknn', { neighbors: 50 }),
    remeasure: async () => ({ 'ndcg@20': 0.2 }),
    ...overrides,
  };
}

describe('judgeCandidate', () => {
  it('compares with the serving recipe retrained on the same holdout, never with its recorded score', async () => {
    const asked: unknown[] = [];
    const verdict = await judgeCandidate(
      input({ remeasure: async (algorithm, params) => (asked.push([algorithm, params]), { 'ndcg@20': 0.25 }) }),
    );
    expect(asked).toEqual([['itemknn', { neighbors: 50 }]]);
    expect(verdict).toMatchObject({ passed: false, metric: 'ndcg@20', candidate: 0.2, serving: 0.25, tolerance: 0.05 });
    expect(verdict.reason).toBe(
      "ndcg@20 0.2000 vs 0.2500 (v3's itemknn with its parameters, retrained on the same holdout): worse by 20.0%, more than the 5% tolerance",
    );
  });

  it('passes a model within the tolerance, and one exactly at its edge', async () => {
    expect((await judgeCandidate(input({ remeasure: async () => ({ 'ndcg@20': 0.205 }) }))).passed).toBe(true);
    // 0.2 = 0.2105263… × 0.95 up to rounding: at the edge passes.
    expect((await judgeCandidate(input({ remeasure: async () => ({ 'ndcg@20': 0.2 / 0.95 }) }))).passed).toBe(true);
    expect((await judgeCandidate(input({ remeasure: async () => ({ 'ndcg@20': 0.2 / 0.95 + 1e-6 }) }))).passed).toBe(false);
    const better = await judgeCandidate(input({ remeasure: async () => ({ 'ndcg@20': 0.1 }) }));
    expect(better).toMatchObject({ passed: true, serving: 0.1 });
    expect(better.reason).toMatch(/: not worse by more than 5%$/);
  });

  it('does not retrain a recipe identical to the serving one (key order aside): the same training on the same data', async () => {
    const verdict = await judgeCandidate(
      input({
        algorithm: 'itemknn',
        params: { shrink: 10, neighbors: 50 },
        serving: serving('itemknn', { neighbors: 50, shrink: 10 }),
        remeasure: async () => {
          throw new Error('must not retrain');
        },
      }),
    );
    expect(verdict).toMatchObject({ passed: true, candidate: 0.2, serving: 0.2 });
    expect(verdict.reason).toMatch(/v3 has the same algorithm and parameters/);
  });

  it('passes, saying why, when there is nothing to compare: first model, no holdout, gate off, recipe not retrainable', async () => {
    expect(await judgeCandidate(input({ serving: null }))).toMatchObject({ passed: true, serving: null, reason: 'the first model of this role' });
    const noHoldout = await judgeCandidate(input({ metrics: {} }));
    expect(noHoldout).toMatchObject({ passed: true, candidate: null, serving: null });
    expect(noHoldout.reason).toMatch(/no holdout ndcg@20/);
    const off = await judgeCandidate(input({ gate: { ...GATE, enabled: false }, remeasure: async () => ({ 'ndcg@20': 1 }) }));
    expect(off).toMatchObject({ passed: true, reason: 'the gate is off (training.gate.enabled is false)' });
    const gone = await judgeCandidate(
      input({
        remeasure: async () => {
          throw new Error('no algorithm "oldalgo"');
        },
      }),
    );
    expect(gone).toMatchObject({ passed: true, serving: null });
    expect(gone.reason).toMatch(/could not be retrained on the holdout to compare: no algorithm "oldalgo"/);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
