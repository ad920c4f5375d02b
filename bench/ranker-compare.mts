// One comparison of bench/ranker.mts on MovieLens stages: the single sources, the default
// rankers and the learned ones (trained on `train`), evaluated on `test`.
import {
  DefaultRanker,
  GbdtRanker,
  scoreByGroup,
  trainLearnedRanker,
  type FeatureAssembler,
  type GbdtParamsInput,
  type GroupedRows,
  type Ranker,
} from '../src/pipeline/ranking/index.js';
import { importanceLine, mean, pairedBootstrap, printTable, scoringSpeed, signed } from './ranker-common.mjs';
import { evaluateStage, type Stage } from './ranker-movielens.mjs';

export interface Comparison {
  title: string;
  train: GroupedRows;
  test: Stage;
  assembler: FeatureAssembler;
  sources: readonly string[];
  learners: readonly (readonly [string, GbdtParamsInput])[];
  seed: number;
  k: number;
  /** Cross-validation folds for the learned rankers (1 = one held-out share). */
  folds: number;
}

export function compare(c: Comparison): void {
  const { assembler, k, test } = c;
  const positives = c.train.labels.reduce((s, y) => s + (y > 0 ? 1 : 0), 0);
  console.log(`\n  -- ${c.title} --`);
  console.log(
    `  ranker training: ${c.train.groups.length - 1} user groups, ${c.train.features.rows} candidate rows, ${positives} positives; ` +
      `test: ${test.relevant.length} user groups, ${(test.features.rows / test.relevant.length).toFixed(0)} candidates each, ` +
      `union recall ${(test.covered / test.totalRelevant).toFixed(4)} (share of test items among the candidates)`,
  );
  const incumbent = new DefaultRanker(assembler.names);
  const rankers: [string, Ranker][] = c.sources.map((s) => [s, new DefaultRanker(assembler.names, { weights: { [s]: 1 }, defaultWeight: 0 })]);
  rankers.push(['default (rrf)', incumbent], ['default (zscore)', new DefaultRanker(assembler.names, { method: 'zscore' })]);
  for (const [name, params] of c.learners) {
    const r = trainLearnedRanker(c.train, { featureNames: assembler.names, incumbent, seed: c.seed, params, folds: c.folds, minGroupsWithOutcome: 20 });
    console.log(`  ${name}: ${r.model?.treeCount ?? 0} trees; ${r.reason}`);
    if (r.model) {
      const ranker = new GbdtRanker(r.model, assembler.names);
      const speed = scoringSpeed(ranker, test);
      console.log(`    gain importance: ${importanceLine(r.model.featureImportance())}`);
      console.log(`    scoring: ${Math.round(speed.rowsPerSecond)} rows/s, ${speed.microsPerGroup.toFixed(0)} µs per test group (${r.model.arrays.value.length} nodes)`);
      rankers.push([name, ranker]);
    }
  }
  const results = rankers.map(([name, ranker]) => ({ name, ...evaluateStage(test, scoreByGroup(ranker, test), k) }));
  console.log(`  NDCG@${k} / Recall@${k} over ${test.relevant.length} test groups (candidates' union, rated items excluded):`);
  printTable([`ndcg@${k}`, `recall@${k}`], results.map((r) => ({ name: r.name, cells: [mean(r.ndcg), mean(r.recall)] })));
  const best = results.filter((r) => c.sources.includes(r.name)).reduce((a, b) => (mean(b.ndcg) > mean(a.ndcg) ? b : a));
  for (const [name] of c.learners) {
    const learned = results.find((r) => r.name === name);
    if (!learned) continue;
    const gain = mean(learned.ndcg) - mean(best.ndcg);
    const [lo, hi] = pairedBootstrap(learned.ndcg, best.ndcg, c.seed);
    console.log(
      `  ${name} vs best single source (${best.name}): ${signed(gain)} NDCG@${k} (${signed((gain / mean(best.ndcg)) * 100, 1)}%), ` +
        `95% paired-bootstrap interval [${signed(lo)}, ${signed(hi)}]`,
    );
  }
}
