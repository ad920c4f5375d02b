import { describe, expect, it } from 'vitest';
import { MagpieError } from '../core/index.js';
import { FULL_RANKING_PROTOCOL, formatResultsTable, formatTuneTable, parseEvalReport, type EvalReport } from './report.js';

const results = [
  { algorithm: 'popularity', params: {}, trainSeconds: 0.04, evalSeconds: 1.234, metrics: { 'recall@20': 0.04161, 'ndcg@20': 0.0317 } },
  { algorithm: 'ease', params: { lambda: 250 }, trainSeconds: 42.5, evalSeconds: 3, metrics: { 'recall@20': 0.1765 } },
];

describe('formatResultsTable', () => {
  it('lines up one row per algorithm, with "-" for a missing metric', () => {
    expect(formatResultsTable(results)).toBe(
      [
        'algorithm   train s  eval s  recall@20  ndcg@20',
        '----------  -------  ------  ---------  -------',
        'popularity     0.04    1.23     0.0416   0.0317',
        'ease           42.5    3.00     0.1765        -',
      ].join('\n'),
    );
  });
});

describe('formatTuneTable', () => {
  it('lists trials as given with the searched parameters, the tuned metric, then recall and NDCG per K', () => {
    const trial = (n: number, factors: number, lambda: number, score: number) => ({
      trial: n,
      params: { factors, lambda, solver: 'cg' },
      score,
      metrics: { 'recall@10': score * 2, 'ndcg@10': score, 'recall@20': 0.5, 'ndcg@20': 0.25 },
      trainSeconds: 12.25,
      evalSeconds: 1,
    });
    const table = formatTuneTable({
      algorithm: 'ials',
      metric: 'ndcg@10',
      k: [10, 20],
      space: { factors: { kind: 'int', min: 8, max: 64 }, lambda: { kind: 'float', min: 0.001, max: 0.1, log: true } },
      users: 3,
      trials: [trial(2, 48, 0.0123456, 0.3), trial(0, 64, 0.01, 0.2)],
      stopped: 'completed',
    });
    expect(table).toBe(
      [
        'trial         factors  lambda  train s  eval s  ndcg@10  recall@10  recall@20  ndcg@20',
        '------------  -------  ------  -------  ------  -------  ---------  ---------  -------',
        '2                  48  0.0123     12.3    1.00   0.3000     0.6000     0.5000   0.2500',
        '0 (defaults)       64    0.01     12.3    1.00   0.2000     0.4000     0.5000   0.2500',
      ].join('\n'),
    );
  });
});

describe('parseEvalReport', () => {
  it('reads back what was written', () => {
    const report: EvalReport = { dataset: 'gowalla', protocol: FULL_RANKING_PROTOCOL, k: [20], results };
    expect(parseEvalReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('says what is wrong with a document that is not a report', () => {
    const bad = { dataset: 'x', protocol: 'y', k: [20], results: [{ algorithm: 'a', params: {}, trainSeconds: 1, evalSeconds: 1, metrics: { 'recall@20': null } }] };
    expect(() => parseEvalReport(bad, 'baseline.json')).toThrow(MagpieError);
    expect(() => parseEvalReport(bad, 'baseline.json')).toThrow(/baseline\.json.*results\.0\.metrics\.recall@20/);
  });
});
