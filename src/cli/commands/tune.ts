import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { getAlgorithm } from '../../algorithms/index.js';
import { MagpieError } from '../../core/index.js';
import {
  DEFAULT_TUNE_METRIC,
  formatTuneTable,
  FULL_RANKING_PROTOCOL,
  planTune,
  tune,
  type TuneOptions,
  type TuneReport,
  type TuneResult,
  type TuneTrial,
} from '../../eval/index.js';
import { parseFloatOption, parseIntList, parseIntOption, parseJsonOption, say } from '../output.js';
import { progressReporter } from '../progress.js';
import { loadSplit, splitInputOptions, type SplitInputOptions } from '../split-input.js';

interface TuneCliOptions extends SplitInputOptions {
  algo: string;
  trials: number;
  metric: string;
  k: number[];
  sampleUsers?: number;
  fixed?: Record<string, unknown>;
  seed: number;
  maxMinutes?: number;
  json?: string;
}

const STOP_REASONS = {
  completed: '',
  time: 'stopped: the --max-minutes budget has passed',
  aborted: 'stopped: interrupted',
  exhausted: 'stopped: every configuration of the search space has been tried',
} as const;

export function tuneCommand(program: Command): void {
  const command = program
    .command('tune')
    .description(
      "Hyper-parameter search: seeded random search over an algorithm's parameter space, each trial scored on a validation " +
        'split; prints the trials best first and the best parameters as one JSON line (for --params or the config).',
    );
  splitInputOptions(command, true)
    .requiredOption('--algo <name>', 'algorithm to tune (magpie algorithms lists them)')
    .option('--trials <n>', 'sampled configurations to try after trial 0, which uses the defaults', parseIntOption, 20)
    .option('--metric <name>', 'metric to maximise, <name>@<K>', DEFAULT_TUNE_METRIC)
    .option('--k <list>', 'further cut-off(s) to report, comma-separated', parseIntList, [20])
    .option('--sample-users <n>', 'score each trial on this many validation users drawn at random (default: all)', parseIntOption)
    .option('--fixed <json>', 'parameters every trial uses and the search leaves alone, e.g. {"factors":64}', parseJsonOption)
    .option('--seed <n>', 'seeds the holdout, the sampler, the user sample and training', parseIntOption, 42)
    .option('--max-minutes <m>', 'start no new trial after this many minutes (the running one finishes)', parseFloatOption)
    .option('--json <out>', 'also write every trial as JSON to this file')
    .action(async (o: TuneCliOptions) => {
      const algorithm = getAlgorithm(o.algo);
      const options: TuneOptions = {
        trials: o.trials,
        metric: o.metric,
        k: o.k,
        fixed: o.fixed,
        seed: o.seed,
        sampleUsers: o.sampleUsers,
        maxSeconds: o.maxMinutes === undefined ? undefined : o.maxMinutes * 60,
      };
      const { space } = planTune(algorithm, options); // fail on bad options before reading data
      const progress = progressReporter();
      const { split, dataset } = await loadSplit(o, progress, o.seed);
      // Ctrl-C ends the search with the trials done so far; a second one quits at once.
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        say('interrupted: reporting the finished trials (Ctrl-C again to quit)');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const searched = (t: TuneTrial): Record<string, unknown> => Object.fromEntries(Object.keys(space).map((name) => [name, t.params[name]]));
      let result: TuneResult;
      try {
        result = await tune(algorithm, split, {
          ...options,
          signal: controller.signal,
          onProgress: (p) => progress.update(`trial ${p.trial}/${p.trials - 1}: ${p.stage}`, p.done, p.total),
          onTrial: (t, best) => {
            progress.stop();
            say(
              `trial ${t.trial}: ${o.metric} ${t.score.toFixed(4)} (best ${best.score.toFixed(4)}, trial ${best.trial}), ` +
                `${(t.trainSeconds + t.evalSeconds).toFixed(1)} s ${JSON.stringify(t.trial === 0 ? 'defaults' : searched(t))}`,
            );
          },
        });
      } finally {
        process.off('SIGINT', onSigint);
        progress.stop();
      }
      if (result.stopped !== 'completed') say(STOP_REASONS[result.stopped]);
      const best = result.trials[0];
      if (!best) throw new MagpieError('TRAINING_FAILED', 'interrupted before trial 0 finished: there is nothing to report');
      process.stdout.write(`${formatTuneTable(result)}\n`);
      if (o.json) {
        const report: TuneReport = {
          dataset,
          protocol: FULL_RANKING_PROTOCOL,
          seed: o.seed,
          ...(o.sampleUsers === undefined ? {} : { sampleUsers: o.sampleUsers }),
          fixed: o.fixed ?? {},
          ...result,
          best: best.params,
        };
        await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
        say(`report written to ${o.json}`);
      }
      const defaults = result.trials.find((t) => t.trial === 0)!;
      say(
        `best: trial ${best.trial}, ${result.metric} ${best.score.toFixed(4)} on ${result.users} validation users ` +
          `(trial 0, the defaults: ${defaults.score.toFixed(4)}); its parameters, for --params or training.models.<role>.params:`,
      );
      process.stdout.write(`${JSON.stringify(best.params)}\n`);
    });
}
