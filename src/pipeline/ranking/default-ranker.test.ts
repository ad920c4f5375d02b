import { describe, expect, it } from 'vitest';
import type { Candidate } from '../candidate.js';
import { DefaultRanker } from './default-ranker.js';
import { FeatureAssembler, userProfile } from './features.js';
import { GbdtModel, trainGbdt } from './gbdt/index.js';
import { GbdtRanker, rankCandidates } from './ranker.js';

const assembler = new FeatureAssembler({ sources: ['x', 'y'] });
const cand = (id: string, sourceScores: Record<string, number>): Candidate => ({ id, sourceScores, source: 'x', reason: '', score: 0 });
const rowsOf = (candidates: Candidate[]) =>
  assembler.assemble({ candidates, attributes: () => undefined, popularity: () => 0, user: userProfile([], () => undefined), now: 0, surface: 'home' });

describe('DefaultRanker', () => {
  // x ranks a > b > c; y ranks c > b, and never proposed a.
  const candidates = [cand('a', { x: 9 }), cand('b', { x: 5, y: 0.5 }), cand('c', { x: 1, y: 0.9 })];
  const rows = rowsOf(candidates);

  it('fuses reciprocal ranks: an item two sources agree on beats one source\'s favourite', () => {
    const s = new DefaultRanker(assembler.names).score(rows);
    expect(s[0]).toBeCloseTo(1 / 61, 12);
    expect(s[1]).toBeCloseTo(1 / 62 + 1 / 62, 12);
    expect(s[2]).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(rankCandidates(candidates, s).map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });

  it('follows the configured weights (weight 0 switches a source off)', () => {
    const onlyX = new DefaultRanker(assembler.names, { weights: { y: 0 } }).score(rows);
    expect(rankCandidates(candidates, onlyX).map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('z-score fusion standardises each source per request and floors missing sources', () => {
    const ranker = new DefaultRanker(assembler.names, { method: 'zscore' });
    expect(ranker.kind).toBe('default-zscore');
    const s = ranker.score(rows);
    // x: mean 5, sd √(32/3); y over b, c: mean 0.7, sd 0.2 → z = −1, +1; a gets y's floor −1.
    const sdx = Math.sqrt(32 / 3);
    expect(s[0]).toBeCloseTo(4 / sdx - 1, 12);
    expect(s[1]).toBeCloseTo(0 - 1, 12);
    expect(s[2]).toBeCloseTo(-4 / sdx + 1, 12);
    // Scaling one source's scores does not change the fusion.
    const scaled = rowsOf([cand('a', { x: 900 }), cand('b', { x: 500, y: 0.5 }), cand('c', { x: 100, y: 0.9 })]);
    expect(Array.from(ranker.score(scaled)).map((v) => v.toFixed(9))).toEqual(Array.from(s).map((v) => v.toFixed(9)));
  });
});

describe('GbdtRanker', () => {
  it('matches model columns to the assembler by name, reading unknown ones as missing', () => {
    // A model trained on [rank:x, source_count, a column the assembler does not have].
    const rows = 400;
    const values = new Float64Array(rows * 3);
    const labels = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      values.set([(r % 20) + 1, r % 3, r % 7], r * 3);
      labels[r] = r % 20 < 3 ? 1 : 0;
    }
    const names = ['rank:x', 'source_count', 'not_assembled'];
    const { model } = trainGbdt({ features: { rows, cols: 3, values }, labels }, { objective: 'binary', trees: 20, minDataInLeaf: 5 }, { seed: 1, featureNames: names });
    const ranker = new GbdtRanker(GbdtModel.deserialize(model.serialize()), assembler.names);
    expect(ranker.kind).toBe('gbdt-binary');
    const m = rowsOf(['a', 'b', 'c', 'd', 'e'].map((id, i) => cand(id, { x: 5 - i })));
    const s = ranker.score(m);
    const rank = assembler.column('rank:x');
    const count = assembler.column('source_count');
    for (let r = 0; r < 5; r++) expect(s[r]).toBe(model.predictRow([m.values[r * m.cols + rank]!, m.values[r * m.cols + count]!, NaN]));
    expect(s[0]).toBeGreaterThan(s[4]!);
  });
});
