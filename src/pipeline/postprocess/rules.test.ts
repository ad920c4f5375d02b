import { describe, expect, it } from 'vitest';
import { MagpieError } from '../../core/index.js';
import type { SurfaceRulesInput } from '../../config/index.js';
import type { Candidate } from '../candidate.js';
import { compilePostProcess } from './plan.js';
import { postProcess } from './post-process.js';
import { applyScoreRules } from './rules.js';
import { scaleScore } from './score.js';
import { NOW, cand, item, lookupOf } from './testing/catalog.js';

const attrs = {
  a: item({ tags: ['staff-pick'] }),
  b: item({ kind: 'short' }),
  c: item({}),
  d: item({ tags: ['staff-pick'], kind: 'short' }),
};
const ctx = { attributes: lookupOf(attrs), now: NOW, seed: 1, n: 10 };
const ranked = (): Candidate[] => [cand('c', 4), cand('b', 3), cand('a', 2), cand('d', 1)];
const order = (rules: SurfaceRulesInput): string[] => postProcess(ranked(), ctx, rules).map((c) => c.id);

describe('boost and bury', () => {
  it('a boost lifts matching items past others, and only those', () => {
    expect(order({})).toEqual(['c', 'b', 'a', 'd']);
    expect(order({ rules: [{ type: 'boost', when: 'tags contains "staff-pick"', factor: 2.5 }] })).toEqual(['a', 'c', 'b', 'd']);
    expect(order({ rules: [{ type: 'boost', when: 'tags contains "staff-pick"', factor: 4.5 }] })).toEqual(['a', 'd', 'c', 'b']);
  });

  it('a bury sinks matching items', () => {
    expect(order({ rules: [{ type: 'bury', when: 'kind = "short"', factor: 0.5 }] })).toEqual(['c', 'a', 'b', 'd']);
    expect(order({ rules: [{ type: 'bury', when: 'kind = "short"', factor: 10, mode: 'add' }] })).toEqual(['c', 'a', 'b', 'd']);
  });

  it('computes the scores exactly, rules applied in config order', () => {
    const out = postProcess(ranked(), ctx, {
      rules: [
        { type: 'boost', when: 'tags contains "staff-pick"', factor: 2 },
        { type: 'boost', when: 'kind = "short"', factor: 1, mode: 'add' },
        { type: 'bury', when: 'id = "c"', factor: 0.25 },
      ],
    });
    expect(Object.fromEntries(out.map((c) => [c.id, c.score]))).toEqual({ a: 4, b: 4, c: 1, d: 3 });
  });

  it('multiplying never moves a negative score the wrong way', () => {
    expect(scaleScore(-2, 2)).toBe(-1);
    expect(scaleScore(-2, 0.5)).toBe(-4);
    expect(scaleScore(3, 2)).toBe(6);
    const items = [cand('a', -2), cand('c', -1.5)];
    applyScoreRules(items, [attrs.a, attrs.c], compilePostProcess({ rules: [{ type: 'boost', when: 'id = "a"', factor: 2 }] }).scoreRules, NOW);
    expect(items.map((c) => c.score)).toEqual([-1, -1.5]);
  });

  it('keeps the source reason unless the rule gives one', () => {
    const plain = postProcess(ranked(), ctx, { rules: [{ type: 'boost', when: 'id = "a"', factor: 3 }] });
    expect(plain.find((c) => c.id === 'a')!.reason).toBe('because of a');
    const said = postProcess(ranked(), ctx, { rules: [{ type: 'boost', when: 'id = "a"', factor: 3, reason: 'staff pick' }] });
    expect(said.find((c) => c.id === 'a')!.reason).toBe('staff pick');
    expect(said.find((c) => c.id === 'b')!.reason).toBe('because of b');
  });
});

describe('require and exclude rules', () => {
  it('require keeps only matching items, exclude removes matching ones', () => {
    expect(order({ rules: [{ type: 'require', when: 'kind = "short"' }] })).toEqual(['b', 'd']);
    expect(order({ rules: [{ type: 'exclude', when: 'kind = "short"' }] })).toEqual(['c', 'a']);
    expect(order({ rules: [{ type: 'require', when: 'kind = "short"' }, { type: 'exclude', when: 'tags contains "staff-pick"' }] })).toEqual(['b']);
  });
});

describe('rule config validation', () => {
  function configError(rules: unknown): MagpieError {
    try {
      compilePostProcess(rules as SurfaceRulesInput);
    } catch (err) {
      return err as MagpieError;
    }
    throw new Error('expected CONFIG_INVALID');
  }

  it('names the rule and the column of a syntax error', () => {
    const err = configError({ rules: [{ type: 'boost', when: 'id = "a"', factor: 2 }, { type: 'exclude', when: 'price <' }] });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe('rules.1.when: invalid expression at column 8: expected a field, a value, "(" or "[", found the end of the expression');
    expect(err.details).toMatchObject({ path: 'rules.1.when', offset: 7 });
  });

  it.each([
    [{ rules: [{ type: 'boost', when: 'id = "a"', factor: 0.5 }] }, 'rules.0.factor', 'use a bury'],
    [{ rules: [{ type: 'bury', when: 'id = "a"', factor: 2 }] }, 'rules.0.factor', 'use a boost'],
    [{ rules: [{ type: 'pin', item: 'a', position: 0 }] }, 'rules.0.position', ''],
    [{ rules: [{ type: 'shuffle', when: 'id = "a"' }] }, 'rules.0.type', ''],
    [{ rules: [{ type: 'boost', when: 'id = "a"', factor: 2, extra: 1 }] }, 'rules.0', ''],
    [{ exploration: { slots: [12], every: 10 } }, 'exploration.slots', 'at most `every`'],
    [{ diversity: { lambda: 1.5 } }, 'diversity.lambda', ''],
    [{ freshness: { halfLifeDays: 0 } }, 'freshness.halfLifeDays', ''],
  ])('rejects %j at %s', (rules, path, text) => {
    const err = configError(rules);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`at ${path}`);
    expect(err.message).toContain(text);
  });

  it('accepts add-mode factors in either direction and fills defaults', () => {
    const plan = compilePostProcess({ rules: [{ type: 'boost', when: 'id = "a"', factor: 0.2, mode: 'add' }] });
    expect(plan.scoreRules[0]).toMatchObject({ mode: 'add', factor: 0.2 });
    expect(plan.freshness).toBeUndefined();
    expect(plan.diversity).toEqual({ lambda: 1, cap: undefined });
    expect(plan.exploration).toBeUndefined();
  });
});
