import type { Command } from 'commander';
import { MagpieError } from '../core/index.js';
import { loadConfig } from '../config/index.js';
import {
  holdoutSplit,
  MOVIELENS_FEEDBACK_TYPES,
  readEventsCsv,
  readLightGcnFile,
  readLightGcnSplit,
  timeSplit,
  type Split,
  type UserItems,
} from '../data/index.js';
import { parseFloatOption, say } from './output.js';
import type { ProgressReporter } from './progress.js';

/** Where `magpie eval` and `magpie tune` read their training and held-out data from. */
export interface SplitInputOptions {
  train?: string;
  test?: string;
  events?: string;
  split: string;
  testFraction: number;
  config?: string;
}

/**
 * Adds the options of SplitInputOptions. With `holdout`, --train alone is allowed too: the
 * held-out part is then carved out of it per user (see loadSplit).
 */
export function splitInputOptions(command: Command, holdout: boolean): Command {
  const held = holdout ? 'validation' : 'test';
  return command
    .option('--train <file>', 'training lines "user item item …" (LightGCN/BARS format)')
    .option('--test <file>', `${held} lines "user item item …"${holdout ? ' (default: hold out part of --train)' : ''}`)
    .option('--events <file>', 'a ratings/events CSV to split by time instead (MovieLens ratings.csv or user,item,type,value,timestamp)')
    .option('--split <kind>', 'how to split --events: time', 'time')
    .option(
      '--test-fraction <x>',
      holdout
        ? "share held out for validation: the newest events with --events, each user's items at random with --train alone"
        : 'share of the newest events held out with --events',
      parseFloatOption,
      0.2,
    )
    .option('--config <file>', 'configuration file (its feedback types apply to --events)');
}

/**
 * Reads the split the options describe: --train and --test files as they are, --events split
 * by time, or (when `holdoutSeed` is given) --train alone with a seeded per-user holdout of
 * --test-fraction of each user's items (holdoutSplit, the way the Gowalla tune files were made).
 */
export async function loadSplit(
  o: SplitInputOptions,
  progress: ProgressReporter,
  holdoutSeed?: number,
): Promise<{ split: Split; dataset: string }> {
  const onProgress = (p: { file: string; bytes: number; totalBytes: number }): void => progress.update(`reading ${p.file}`, p.bytes, p.totalBytes);
  if (o.train && o.test) {
    const split = await readLightGcnSplit(o.train, o.test, { onProgress });
    progress.stop();
    return { split, dataset: `${o.train} / ${o.test}` };
  }
  if (o.train && holdoutSeed !== undefined && !o.events) {
    const lines: UserItems[] = [];
    for await (const line of readLightGcnFile(o.train, { onProgress })) lines.push(line);
    progress.stop();
    const split = holdoutSplit(lines, { fraction: o.testFraction, seed: holdoutSeed });
    say(`held out ${percent(o.testFraction)} of each user's items of ${o.train} (seed ${holdoutSeed}): ${split.test.users.length} validation users`);
    return { split, dataset: `${o.train} (per-user holdout of ${percent(o.testFraction)}, seed ${holdoutSeed})` };
  }
  if (o.events) {
    if (o.split !== 'time') throw new MagpieError('VALIDATION_FAILED', `--split ${o.split} is not supported; use --split time`);
    const events = await readEventsCsv(o.events, { onProgress });
    progress.stop();
    const types = { ...loadConfig({ file: o.config }).feedback.types, ...MOVIELENS_FEEDBACK_TYPES };
    const split = timeSplit(events, { testFraction: o.testFraction, types });
    say(`time split at ${new Date(split.cutoff).toISOString()}: ${split.test.users.length} test users`);
    return { split, dataset: `${o.events} (time split, newest ${percent(o.testFraction)} held out)` };
  }
  throw new MagpieError('VALIDATION_FAILED', holdoutSeed === undefined ? 'give --train and --test, or --events' : 'give --train (and optionally --test), or --events');
}

/** 0.3 → "30%" (not "30.000000000000004%"). */
function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
