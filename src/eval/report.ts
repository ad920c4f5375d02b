import { z } from 'zod';
import { MagpieError } from '../core/index.js';
import type { TuneResult } from './tune.js';

/** One algorithm's line of an evaluation run. */
export interface AlgorithmResult {
  algorithm: string;
  params: Readonly<Record<string, unknown>>;
  trainSeconds: number;
  evalSeconds: number;
  /** `<metric>@<K>` → value, as evaluateModel reports them. */
  metrics: Record<string, number>;
}

/** The JSON document `magpie eval --json` writes: enough to compare two runs later. */
export interface EvalReport {
  /** What was evaluated on, e.g. a path or "gowalla (tune-train/tune-test)". */
  dataset: string;
  /** How, e.g. FULL_RANKING_PROTOCOL plus the split used. */
  protocol: string;
  k: number[];
  results: AlgorithmResult[];
}

/** The JSON document `magpie tune --json` writes: the whole search, best trial first. */
export interface TuneReport extends TuneResult {
  dataset: string;
  protocol: string;
  seed: number;
  /** Validation users drawn per trial (absent: all of them). */
  sampleUsers?: number;
  fixed: Record<string, unknown>;
  /** The best trial's parameters, as `--params` takes them. */
  best: Record<string, unknown>;
}

export const FULL_RANKING_PROTOCOL =
  'full ranking over all items, training items excluded; binary relevance; recall@K = hits/|test items|; ' +
  'NDCG@K ideal DCG over min(|test items|, K); MAP@K normalised by min(|test items|, K); ' +
  'means over users with at least one test item; coverage@K over those users\' lists';

export const evalReportSchema = z.object({
  dataset: z.string(),
  protocol: z.string(),
  k: z.array(z.number().int().positive()),
  results: z.array(
    z.object({
      algorithm: z.string(),
      params: z.record(z.string(), z.unknown()),
      trainSeconds: z.number(),
      evalSeconds: z.number(),
      metrics: z.record(z.string(), z.number()),
    }),
  ),
});

/** Reads back a report written earlier (e.g. a baseline to compare against). */
export function parseEvalReport(json: unknown, source = 'report'): EvalReport {
  const parsed = evalReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new MagpieError('INPUT_FILE_INVALID', `${source} is not an evaluation report: ${reason}`, { reason });
  }
  return parsed.data;
}

/**
 * A plain-text table for the terminal: one row per algorithm, then train and eval seconds and
 * every metric that any row has (in first-seen order, so evaluateModel's grouping by metric
 * then K is kept). A metric a row lacks prints as "-".
 */
export function formatResultsTable(results: readonly AlgorithmResult[]): string {
  const metricNames: string[] = [];
  const known = new Set<string>();
  for (const r of results) {
    for (const name of Object.keys(r.metrics)) {
      if (!known.has(name)) {
        known.add(name);
        metricNames.push(name);
      }
    }
  }
  const header = ['algorithm', 'train s', 'eval s', ...metricNames];
  const rows = results.map((r) => [
    r.algorithm,
    formatSeconds(r.trainSeconds),
    formatSeconds(r.evalSeconds),
    ...metricNames.map((name) => formatMetric(r.metrics[name])),
  ]);
  return formatTable(header, rows);
}

/**
 * `magpie tune`'s table: one row per trial, best first, with the searched parameters' values,
 * the seconds, the tuned metric, then recall and NDCG at every evaluated K.
 */
export function formatTuneTable(result: TuneResult): string {
  const paramNames = Object.keys(result.space);
  const metricNames = [...new Set([result.metric, ...result.k.flatMap((k) => [`recall@${k}`, `ndcg@${k}`])])];
  const header = ['trial', ...paramNames, 'train s', 'eval s', ...metricNames];
  const rows = result.trials.map((t) => [
    t.trial === 0 ? '0 (defaults)' : String(t.trial),
    ...paramNames.map((name) => formatParam(t.params[name])),
    formatSeconds(t.trainSeconds),
    formatSeconds(t.evalSeconds),
    ...metricNames.map((name) => formatMetric(t.metrics[name])),
  ]);
  return formatTable(header, rows);
}

/** A plain-text table: the first column reads left to right, the others line up on the right. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((cells) => (cells[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function formatSeconds(s: number): string {
  return Number.isFinite(s) ? s.toFixed(s < 10 ? 2 : 1) : '-';
}

function formatMetric(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? v.toFixed(4) : '-';
}

/** Three significant digits for fractional numbers, as the sampler draws them. */
function formatParam(v: unknown): string {
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Number(v.toPrecision(3)));
  return v === undefined ? '-' : String(v);
}
