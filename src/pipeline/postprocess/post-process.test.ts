import { describe, expect, it } from 'vitest';
import type { SurfaceRulesInput } from '../../config/index.js';
import { postProcess } from './post-process.js';
import { DAY, NOW, cand, item, lookupOf, syntheticCatalogue } from './testing/catalog.js';

const { attrs, candidates } = syntheticCatalogue(200, 9);
const lookup = lookupOf(attrs);

describe('postProcess', () => {
  it('a disliked item never returns, however it is favoured', () => {
    const fresh = candidates.filter((c) => c.source === 'fresh').map((c) => c.id);
    const target = fresh[0]!;
    const favoured = candidates.map((c) => (c.id === target ? { ...c, score: 1e9 } : c));
    const config: SurfaceRulesInput = {
      rules: [
        { type: 'boost', when: `id = "${target}"`, factor: 100 },
        { type: 'pin', item: target, position: 1 },
      ],
      freshness: { weight: 3 },
      diversity: { lambda: 0.5 },
      exploration: { slots: [1, 2, 3, 4, 5], source: 'fresh' },
    };
    expect(postProcess(favoured, { attributes: lookup, now: NOW, seed: 1, n: 5 }, config)[0]!.id).toBe(target);
    for (let seed = 0; seed < 30; seed++) {
      for (const offset of [0, 5, 50]) {
        const out = postProcess(favoured, { attributes: lookup, now: NOW, seed, offset, n: 5, disliked: new Set([target]) }, config);
        expect(out.map((c) => c.id)).not.toContain(target);
      }
    }
  });

  it('does not modify its input', () => {
    const input = candidates.slice(0, 50);
    const before = structuredClone(input);
    postProcess(input, { attributes: lookup, now: NOW, seed: 1, n: 20 }, {
      rules: [{ type: 'boost', when: 'price < 20', factor: 2, reason: 'cheap' }, { type: 'pin', item: input[9]!.id, position: 1, reason: 'x' }],
      freshness: { weight: 1 },
      exploration: { slots: [2], source: 'fresh', reason: 'new' },
    });
    expect(input).toEqual(before);
  });

  it('keeps source, sourceScores and reason unless a rule says otherwise', () => {
    const out = postProcess(candidates, { attributes: lookup, now: NOW, seed: 1, n: 30 }, { freshness: { weight: 1 }, diversity: { lambda: 0.5 } });
    const byId = new Map(candidates.map((c) => [c.id, c]));
    for (const c of out) {
      const orig = byId.get(c.id)!;
      expect([c.source, c.reason, c.sourceScores]).toEqual([orig.source, orig.reason, orig.sourceScores]);
    }
  });

  it('applies rules before freshness before sorting (scores compose in that order)', () => {
    const a = { x: item({ createdAt: NOW, tags: ['p'] }), y: item({ createdAt: NOW - 1000 * DAY }) };
    const out = postProcess([cand('x', 1), cand('y', 2.9)], { attributes: lookupOf(a), now: NOW, seed: 1, n: 2 }, {
      rules: [{ type: 'boost', when: 'tags contains "p"', factor: 1, mode: 'add' }],
      freshness: { weight: 0.5 },
    });
    // (1 + 1) × 1.5 = 3 beats 2.9; freshness first would give 1 × 1.5 + 1 = 2.5.
    expect(out.map((c) => [c.id, c.score])).toEqual([
      ['x', 3],
      ['y', 2.9 * (1 + 0.5 * 2 ** (-1000 / 7))],
    ]);
  });

  it('pins and exploration items are placed after caps and may exceed them', () => {
    const a: Record<string, ReturnType<typeof item>> = {};
    const list = [];
    for (let i = 0; i < 10; i++) {
      const id = `k${i}`;
      a[id] = item({ categories: [i < 5 ? 'x' : 'y'] });
      list.push(cand(id, 10 - i));
    }
    const out = postProcess(list, { attributes: lookupOf(a), now: NOW, seed: 1, n: 4 }, {
      rules: [{ type: 'pin', item: 'k1', position: 2 }],
      diversity: { categoryCap: { max: 1, window: 3 } },
    });
    // Ranked with the cap: k0 (x), k5 (y), k2 (x)…; the pin k1 (x) then enters at position 2.
    expect(out.map((c) => c.id)).toEqual(['k0', 'k1', 'k5', 'k2']);
  });

  it('handles empty input, n = 0, pages past the end, and rejects bad pages', () => {
    const ctx = { attributes: lookup, now: NOW, seed: 1 };
    expect(postProcess([], { ...ctx, n: 10 })).toEqual([]);
    expect(postProcess(candidates, { ...ctx, n: 0 })).toEqual([]);
    expect(postProcess(candidates, { ...ctx, offset: 10_000, n: 10 })).toEqual([]);
    expect(() => postProcess(candidates, { ...ctx, offset: -1, n: 10 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => postProcess(candidates, { ...ctx, n: Number.NaN })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('compiles a raw config once and reports a bad one as CONFIG_INVALID', () => {
    const config = { rules: [{ type: 'boost' as const, when: 'price < 10', factor: 2 }] };
    const ctx = { attributes: lookup, now: NOW, seed: 1, n: 10 };
    expect(postProcess(candidates, ctx, config)).toEqual(postProcess(candidates, ctx, config));
    expect(() => postProcess(candidates, ctx, { rules: [{ type: 'boost', when: 'price <', factor: 2 }] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
