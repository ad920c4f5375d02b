import { describe, expect, it } from 'vitest';
import { algorithms, type SearchSpace } from '../algorithms/index.js';
import { isMagpieError } from '../core/index.js';
import { checkSearchSpace, sampleSearchSpace, withoutParams } from './search-space.js';

const space: SearchSpace = {
  factors: { kind: 'int', min: 32, max: 256, log: true, step: 16 },
  epochs: { kind: 'int', min: 4, max: 16 },
  lambda: { kind: 'float', min: 1e-4, max: 0.1, log: true },
  share: { kind: 'float', min: 0, max: 1 },
  solver: { kind: 'choice', values: ['cg', 'cholesky', null] },
};

describe('search space sampling', () => {
  it('is fixed by the seed', () => {
    expect(sampleSearchSpace(space, 20, 7)).toEqual(sampleSearchSpace(space, 20, 7));
    expect(sampleSearchSpace(space, 20, 8)).not.toEqual(sampleSearchSpace(space, 20, 7));
    // Drawing more points does not change the first ones.
    expect(sampleSearchSpace(space, 40, 7).slice(0, 20)).toEqual(sampleSearchSpace(space, 20, 7));
  });

  it('stays in range and respects int, step, float and choice', () => {
    const points = sampleSearchSpace(space, 2000, 1);
    const epochs = new Set<unknown>();
    const solvers = new Set<unknown>();
    for (const p of points) {
      expect(Object.keys(p)).toEqual(Object.keys(space));
      const factors = p['factors'] as number;
      expect(Number.isInteger(factors) && factors % 16 === 0 && factors >= 32 && factors <= 256).toBe(true);
      const e = p['epochs'] as number;
      expect(Number.isInteger(e) && e >= 4 && e <= 16).toBe(true);
      epochs.add(e);
      const lambda = p['lambda'] as number;
      expect(lambda).toBeGreaterThanOrEqual(1e-4);
      expect(lambda).toBeLessThanOrEqual(0.1);
      expect(Number(lambda.toPrecision(3))).toBe(lambda); // three significant digits
      const share = p['share'] as number;
      expect(share >= 0 && share <= 1).toBe(true);
      solvers.add(p['solver']);
    }
    // Every integer of the linear range is drawn, the ends included, and every choice.
    expect([...epochs].sort((a, b) => (a as number) - (b as number))).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(new Set(solvers)).toEqual(new Set(['cg', 'cholesky', null]));
  });

  it('spreads log-scaled dimensions evenly over decades, linear ones over the range', () => {
    const points = sampleSearchSpace(space, 3000, 2);
    const share = (pred: (p: Record<string, unknown>) => boolean): number => points.filter(pred).length / points.length;
    // λ in [1e-4, 0.1]: three decades, each about a third of the draws (a linear draw would put
    // 90% in the top decade).
    expect(share((p) => (p['lambda'] as number) < 1e-3)).toBeCloseTo(1 / 3, 1);
    expect(share((p) => (p['lambda'] as number) >= 1e-2)).toBeCloseTo(1 / 3, 1);
    // factors in [32, 256]: 32–64 is one of three octaves on a log scale, 1/7 of the range on a linear one.
    expect(share((p) => (p['factors'] as number) <= 64)).toBeGreaterThan(0.3);
    expect(share((p) => (p['share'] as number) < 0.5)).toBeCloseTo(0.5, 1);
  });

  it('refuses a space it cannot sample, naming the parameter', () => {
    const bad: SearchSpace[] = [
      { a: { kind: 'float', min: 0, max: 1, log: true } },
      { a: { kind: 'float', min: 2, max: 1 } },
      { a: { kind: 'int', min: 1.5, max: 3 } },
      { a: { kind: 'int', min: 32, max: 250, step: 16 } },
      { a: { kind: 'choice', values: [] } },
    ];
    for (const s of bad) {
      expect(() => checkSearchSpace(s)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ parameter: 'a' }) }));
    }
    try {
      sampleSearchSpace(bad[0]!, 1, 1);
      expect.unreachable();
    } catch (err) {
      expect(isMagpieError(err) && err.message).toMatch(/"a".*min > 0/);
    }
  });

  it('drops pinned parameters', () => {
    expect(Object.keys(withoutParams(space, ['factors', 'solver', 'unknown']))).toEqual(['epochs', 'lambda', 'share']);
  });
});

describe("each algorithm's search space", () => {
  it('names only its parameters, and its bounds and choices are valid parameters', () => {
    // blend's parameters are a list of component models: it has no flat space to search.
    for (const a of algorithms.filter((x) => x.name !== 'blend')) {
      const s = a.searchSpace;
      expect(s, a.name).toBeDefined();
      checkSearchSpace(s!);
      const shape = (a.paramsSchema as unknown as { shape: Record<string, unknown> }).shape;
      const defaults = a.paramsSchema.parse({});
      for (const [name, dim] of Object.entries(s!)) {
        expect(Object.keys(shape), `${a.name}.${name}`).toContain(name);
        const values = dim!.kind === 'choice' ? dim!.values : [dim!.min, dim!.max];
        for (const v of values) expect(a.paramsSchema.safeParse({ [name]: v }).success, `${a.name}.${name} = ${String(v)}`).toBe(true);
        // The defaults lie inside the space, so trial 0 is a point the search could have drawn.
        const d = defaults[name];
        if (dim!.kind === 'choice') expect(dim!.values, `${a.name}.${name}`).toContain(d);
        else expect((d as number) >= dim!.min && (d as number) <= dim!.max, `${a.name}.${name} default ${String(d)}`).toBe(true);
      }
      for (const p of sampleSearchSpace(s!, 50, 3)) expect(a.paramsSchema.safeParse(p).success, a.name).toBe(true);
    }
  });
});
