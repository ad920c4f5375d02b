import { describe, expect, it } from 'vitest';
import { normalizeRows, rowNorms } from './normalize.js';
import { topKOfCandidates } from './sparse-topk.js';

describe('row normalisation', () => {
  it('scales rows to unit length and leaves zero rows alone', () => {
    const m = Float32Array.of(3, 4, 0, 0, 1, 0);
    expect(Array.from(rowNorms(m, 3, 2))).toEqual([5, 0, 1]);
    normalizeRows(m, 3, 2);
    expect(Array.from(m)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0, 1, 0]);
  });
});

describe('topKOfCandidates', () => {
  it('picks the best candidates only, best first, ties towards the lower index', () => {
    const scores = Float64Array.of(5, 9, 1, 9, 7, 100, NaN);
    const candidates = Int32Array.of(3, 0, 1, 4, 2, 6);
    const top = topKOfCandidates(candidates, 5, scores, 3); // 6 and 5 are not candidates
    expect(Array.from(top.indices)).toEqual([1, 3, 4]);
    expect(Array.from(top.scores)).toEqual([9, 9, 7]);
  });

  it('returns fewer than k when there are fewer candidates, and skips non-finite scores', () => {
    const top = topKOfCandidates(Int32Array.of(0, 1), 2, Float32Array.of(Infinity, 2), 10);
    expect(Array.from(top.indices)).toEqual([1]);
    expect(topKOfCandidates(Int32Array.of(0), 1, Float32Array.of(1), 0).indices.length).toBe(0);
  });
});
