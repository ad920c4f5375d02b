import { describe, expect, it } from 'vitest';
import { MagpieError } from '../core/index.js';
import { FULL_RANKING_PROTOCOL, formatResultsTable, parseEvalReport, type EvalReport } from './report.js';

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
