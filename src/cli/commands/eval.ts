import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { algorithms, getAlgorithm, type Algorithm } from '../../algorithms/index.js';
import { MagpieError } from '../../core/index.js';
import { loadConfig } from '../../config/index.js';
import { MOVIELENS_FEEDBACK_TYPES, readEventsCsv, readLightGcnSplit, timeSplit, type Split } from '../../data/index.js';
import { evaluateModelAsync, FULL_RANKING_PROTOCOL, formatResultsTable, type AlgorithmResult, type EvalReport } from '../../eval/index.js';
import { parseFloatOption, parseIntList, parseIntOption, parseJsonOption, say } from '../output.js';
import { progressReporter, type ProgressReporter } from '../progress.js';

interface EvalOptions {
  train?: string;
  test?: string;
  events?: string;
  split: string;
  testFraction: number;
  algo: string;
  k: number[];
  json?: string;
  params?: Record<string, unknown>;
  seed: number;
  config?: string;
}

export function evalCommand(program: Command): void {
  program
    .command('eval')
    .description('Offline evaluation: train each algorithm on a training set and rank all items for every test user.')
    .option('--train <file>', 'training lines "user item item …" (LightGCN/BARS format)')
    .option('--test <file>', 'test lines "user item item …"')
    .option('--events <file>', 'a ratings/events CSV to split by time instead (MovieLens ratings.csv or user,item,type,value,timestamp)')
    .option('--split <kind>', 'how to split --events: time', 'time')
    .option('--test-fraction <x>', 'share of the newest events held out with --events', parseFloatOption, 0.2)
    .option('--algo <names>', 'algorithm name(s), comma-separated, or "all"', 'all')
    .option('--k <list>', 'cut-off(s), comma-separated', parseIntList, [20])
    .option('--params <json>', 'parameters: {"factors":128} for one algorithm, or {"ials":{…},"bpr":{…}}', parseJsonOption)
    .option('--seed <n>', 'random seed', parseIntOption, 42)
    .option('--json <out>', 'also write the report as JSON to this file')
    .option('--config <file>', 'configuration file (its feedback types apply to --events)')
    .action(async (o: EvalOptions) => {
      const progress = progressReporter();
      const { split, dataset } = await loadSplit(o, progress);
      const selected = selectAlgorithms(o.algo);
      const results: AlgorithmResult[] = [];
      for (const algorithm of selected) {
        const params = algorithm.paramsSchema.parse(paramsFor(o.params, algorithm.name, selected.length));
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

async function loadSplit(o: EvalOptions, progress: ProgressReporter): Promise<{ split: Split; dataset: string }> {
  const onProgress = (p: { file: string; bytes: number; totalBytes: number }): void => progress.update(`reading ${p.file}`, p.bytes, p.totalBytes);
  if (o.train && o.test) {
    const split = await readLightGcnSplit(o.train, o.test, { onProgress });
    progress.stop();
    return { split, dataset: `${o.train} / ${o.test}` };
  }
  if (o.events) {
    if (o.split !== 'time') throw new MagpieError('VALIDATION_FAILED', `--split ${o.split} is not supported; use --split time`);
    const events = await readEventsCsv(o.events, { onProgress });
    progress.stop();
    const types = { ...loadConfig({ file: o.config }).feedback.types, ...MOVIELENS_FEEDBACK_TYPES };
    const split = timeSplit(events, { testFraction: o.testFraction, types });
    say(`time split at ${new Date(split.cutoff).toISOString()}: ${split.test.users.length} test users`);
    return { split, dataset: `${o.events} (time split, newest ${o.testFraction * 100}% held out)` };
  }
  throw new MagpieError('VALIDATION_FAILED', 'give --train and --test, or --events');
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
