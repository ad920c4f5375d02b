import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/index.js';
import type { ItemAttributes } from '../candidate.js';
import { diversify, type DiversityOptions } from './diversity.js';
import { jaccardSimilarity, type PairSimilarity } from './similarity.js';
import { item } from './testing/catalog.js';

/**
 * The textbook greedy MMR with caps, computing every similarity at every step. diversify prunes
 * (lazy max-similarity, relevance bound); this test shows the pruning changes nothing.
 */
function reference(order: number[], scores: number[], attrs: ItemAttributes[], want: number, opts: DiversityOptions, sim: PairSimilarity): number[] {
  const finite = order.map((i) => scores[i]!).filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const rel = (i: number): number => (hi > lo ? (scores[i]! - lo) / (hi - lo) : 1);
  const out: number[] = [];
  const left = [...order];
  while (out.length < want && left.length > 0) {
    const allowed = (i: number): boolean => {
      if (!opts.cap) return true;
      const recent = opts.cap.window > 0 ? out.slice(Math.max(0, out.length - opts.cap.window + 1)) : out;
      return attrs[i]!.categories.every((c) => recent.filter((j) => attrs[j]!.categories.includes(c)).length < opts.cap!.max);
    };
    const value = (i: number): number => opts.lambda * rel(i) - (1 - opts.lambda) * Math.max(0, ...out.map((j) => sim(i, j)));
    let pick = -1;
    for (const onlyAllowed of [true, false]) {
      let best = -Infinity;
      for (const i of left) {
        if (onlyAllowed && !allowed(i)) continue;
        const v = opts.lambda < 1 ? value(i) : -left.indexOf(i);
        if (v > best) [best, pick] = [v, i];
      }
      if (pick >= 0) break;
    }
    out.push(pick);
    left.splice(left.indexOf(pick), 1);
  }
  return out;
}

describe('diversify matches the textbook greedy MMR', () => {
  it('on 300 random instances (ties, caps, every λ)', () => {
    const rng = new Rng(99);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(60);
      const attrs = Array.from({ length: n }, () =>
        item({
          categories: Array.from({ length: 1 + rng.int(2) }, () => `c${rng.int(5)}`),
          tags: Array.from({ length: rng.int(4) }, () => `t${rng.int(8)}`),
        }),
      );
      // Coarse scores so that ties happen; the order breaks ties by index, as ids would.
      const scores = Array.from({ length: n }, () => rng.int(12) / 4);
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      const opts: DiversityOptions = {
        lambda: [0, 0.3, 0.5, 0.7, 0.9, 1][rng.int(6)]!,
        cap: rng.next() < 0.5 ? { max: 1 + rng.int(3), window: rng.int(6) } : undefined,
      };
      const want = 1 + rng.int(n + 5);
      const ids = attrs.map((_, i) => String(i));
      const got = diversify(order, scores, attrs, want, opts, () => jaccardSimilarity(ids, attrs));
      const expected = reference(order, scores, attrs, want, opts, jaccardSimilarity(ids, attrs));
      expect(got, `trial ${trial}`).toEqual(expected);
    }
  });
});
