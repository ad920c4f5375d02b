import { describe, expect, it } from 'vitest';
import { syntheticSplit } from './synthetic.js';

describe('synthetic split', () => {
  it('is fixed by its seed and keeps the holdout out of training', () => {
    const a = syntheticSplit();
    const b = syntheticSplit();
    expect(a.train.interactions.indices).toEqual(b.train.interactions.indices);
    expect(syntheticSplit({ seed: 1 }).train.interactions.indices).not.toEqual(a.train.interactions.indices);
    const m = a.train.interactions;
    for (let u = 0; u < m.rows; u++) {
      const train = new Set(m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!));
      expect(a.holdout[u]!.length).toBeGreaterThan(0);
      for (const i of a.holdout[u]!) expect(train.has(i)).toBe(false);
    }
    expect(a.train.lastSeen!.length).toBe(m.indices.length);
  });
});
