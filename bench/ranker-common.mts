// Shared pieces of bench/ranker.mts: candidate generation from trained models (each source's
// top N, training items excluded, merged with every source's score), and the result table.
import { getAlgorithm, type Model } from '../src/algorithms/index.js';
import { Rng } from '../src/core/index.js';
import type { TrainingData } from '../src/data/index.js';
import { row, topK } from '../src/math/index.js';
import type { Candidate } from '../src/pipeline/index.js';
import { scoreByGroup, type GroupedRows, type Ranker } from '../src/pipeline/ranking/index.js';

export interface SourceSpec {
  /** The source name (its feature columns are score:<name> / rank:<name>). */
  name: string;
  algorithm: string;
  params: Record<string, unknown>;
}

export interface SourceModel {
  name: string;
  model: Model;
}

export async function trainSources(data: TrainingData, specs: readonly SourceSpec[], seed: number): Promise<SourceModel[]> {
  const out: SourceModel[] = [];
  for (const s of specs) {
    const algorithm = getAlgorithm(s.algorithm);
    out.push({ name: s.name, model: await algorithm.train(data, algorithm.paramsSchema.parse(s.params), { seed }) });
  }
  return out;
}

/**
 * Each source's top `perSource` items for training row u (stored user vector, its history as
 * the query), skipping `blocked` item indices and items a source has no opinion on (score 0),
 * merged into one candidate list: first-seen order, every proposer's score kept.
 */
export function proposeCandidates(sources: readonly SourceModel[], data: TrainingData, u: number, perSource: number, blocked: ReadonlySet<number>): Candidate[] {
  const history = row(data.interactions, u);
  const query = { user: u, items: history.indices, weights: history.values };
  const merged = new Map<string, Candidate>();
  for (const { name, model } of sources) {
    const scores = new Float32Array(model.items.size);
    model.scoreUser(query, scores);
    const top = topK(scores, perSource, (i) => scores[i] === 0 || blocked.has(data.items.indexOf(model.items.idAt(i))));
    for (let r = 0; r < top.indices.length; r++) {
      const id = model.items.idAt(top.indices[r]!);
      const score = top.scores[r]!;
      const c = merged.get(id);
      if (c) c.sourceScores[name] = score;
      else merged.set(id, { id, sourceScores: { [name]: score }, source: name, reason: name, score: 0 });
    }
  }
  return [...merged.values()];
}

export interface TableRow {
  name: string;
  cells: number[];
}

export function printTable(header: readonly string[], rows: readonly TableRow[]): void {
  const width = Math.max(...rows.map((r) => r.name.length), 8);
  console.log(`  ${'ranker'.padEnd(width)}  ${header.map((h) => h.padStart(10)).join('  ')}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(width)}  ${r.cells.map((c) => c.toFixed(4).padStart(10)).join('  ')}`);
}

/** "a 0.31, b 0.22, …": the largest shares of a model's gain importance. */
export function importanceLine(importance: readonly { feature: string; share: number }[], n = 8): string {
  return importance
    .slice(0, n)
    .map((f) => `${f.feature} ${f.share.toFixed(3)}`)
    .join(', ');
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length > 0 ? s / xs.length : NaN;
}

/** A 95% paired-bootstrap interval of mean(a − b) over users (Efron & Tibshirani 1993), seeded. */
export function pairedBootstrap(a: Float64Array, b: Float64Array, seed: number, rounds = 10_000): [number, number] {
  const rng = new Rng(seed);
  const n = a.length;
  const means = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      s += a[j]! - b[j]!;
    }
    means[r] = s / n;
  }
  means.sort();
  return [means[Math.floor(0.025 * rounds)]!, means[Math.floor(0.975 * rounds)]!];
}

export function signed(x: number, digits = 4): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
}

/** Rows per second and mean microseconds per group when `ranker` scores `data` group by group (≥ 1 s of work). */
export function scoringSpeed(ranker: Ranker, data: GroupedRows): { rowsPerSecond: number; microsPerGroup: number } {
  let rows = 0;
  let groups = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    scoreByGroup(ranker, data);
    rows += data.features.rows;
    groups += data.groups.length - 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { rowsPerSecond: rows / seconds, microsPerGroup: (seconds * 1e6) / groups };
}
