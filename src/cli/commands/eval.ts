import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { algorithms, getAlgorithm, parseParams, type Algorithm } from '../../algorithms/index.js';
import { MagpieError } from '../../core/index.js';
import { evaluateModelAsync, FULL_RANKING_PROTOCOL, formatResultsTable, type AlgorithmResult, type EvalReport } from '../../eval/index.js';
import { parseIntList, parseIntOption, parseJsonOption, say } from '../output.js';
import { progressReporter } from '../progress.js';
import { loadSplit, splitInputOptions, type SplitInputOptions } from '../split-input.js';

interface EvalOptions extends SplitInputOptions {
  algo: string;
  k: number[];
  json?: string;
  params?: Record<string, unknown>;
  seed: number;
}

export function evalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('Offline evaluation: train each algorithm on a training set and rank all items for every test user.');
  splitInputOptions(command, false)
    .option('--algo <names>', 'algorithm name(s), comma-separated, or "all"', 'all')
    .option('--k <list>', 'cut-off(s), comma-separated', parseIntList, [20])
    .option('--params <json>', 'parameters: {"factors":128} for one algorithm, or {"ials":{…},"bpr":{…}}', parseJsonOption)
    .option('--seed <n>', 'random seed', parseIntOption, 42)
    .option('--json <out>', 'also write the report as JSON to this file')
    .action(async (o: EvalOptions) => {
      const progress = progressReporter();
      const { split, dataset } = await loadSplit(o, progress);
      const selected = selectAlgorithms(o.algo).filter((a) => {
        // "all" means all that can train here: content models need item content the data lacks.
        const skip = o.algo === 'all' && a.needsContent === true && !split.train.content;
        if (skip) say(`${a.name}: skipped (the data has no item content)`);
        return !skip;
      });
      const results: AlgorithmResult[] = [];
      for (const algorithm of selected) {
        const params = parseParams(algorithm, paramsFor(o.params, algorithm.name, selected.length), '--params');
        const t0 = performance.now();
        const model = await algorithm.train(split.train, params, {
          seed: o.seed,
          progress: (p) => progress.update(`${algorithm.name}: ${p.stage}`, p.done, p.total),
        });
        const trainSeconds = (performance.now() - t0) / 1000;
        const evaluation = await evaluateModelAsync(model, split, {
          k: o.k,
          onProgress: (p) => progress.update(`${algorithm.name}: evaluating`, p.done, p.total),
        });
        progress.stop();
        results.push({ algorithm: algorithm.name, params, trainSeconds, evalSeconds: evaluation.seconds, metrics: evaluation.metrics });
        say(`${algorithm.name}: trained in ${trainSeconds.toFixed(1)} s, evaluated ${evaluation.users} users in ${evaluation.seconds.toFixed(1)} s`);
      }
      process.stdout.write(`${formatResultsTable(results)}\n`);
      if (o.json) {
        const report: EvalReport = { dataset, protocol: FULL_RANKING_PROTOCOL, k: o.k, results };
        await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
        say(`report written to ${o.json}`);
      }
    });
}

function selectAlgorithms(names: string): Algorithm[] {
  if (names === 'all') return [...algorithms];
  return names.split(',').map((n) => getAlgorithm(n.trim()));
}

/** --params is either one algorithm's parameters or a map from algorithm name to parameters. */
function paramsFor(params: Record<string, unknown> | undefined, name: string, selected: number): unknown {
  if (!params) return {};
  const names = new Set(algorithms.map((a) => a.name));
  const keyed = Object.keys(params).length > 0 && Object.keys(params).every((k) => names.has(k));
  if (keyed) return params[name] ?? {};
  if (selected > 1) throw new MagpieError('VALIDATION_FAILED', '--params for several algorithms must be keyed by algorithm name');
  return params;
}
