/**
 * Hyper-parameter search by seeded random search (Bergstra & Bengio 2012, "Random Search for
 * Hyper-Parameter Optimization", JMLR 13): trial 0 trains with the algorithm's defaults, the
 * following trials with points drawn from its search space; every trial is trained on the
 * split's training part and ranked by one metric of the full-ranking protocol on its test
 * (validation) part.
 */
import { MagpieError, Rng } from '../core/index.js';
import { parseParams, type Algorithm, type SearchSpace } from '../algorithms/index.js';
import { sampleTestSet, type Split } from '../data/index.js';
import { evaluateModelAsync, METRIC_NAMES } from './protocol.js';
import { checkSearchSpace, sampleParams, withoutParams } from './search-space.js';

export const DEFAULT_TUNE_METRIC = 'ndcg@20';

/** Draws per trial before concluding that the space holds no configuration not yet tried. */
const MAX_DRAWS_PER_TRIAL = 1000;

export interface TuneOptions {
  /** Sampled configurations to try after trial 0 (the defaults). */
  trials: number;
  /** `<metric>@<K>` to maximise, e.g. `recall@20`; default ndcg@20. */
  metric?: string | undefined;
  /** Further cut-offs to report; the metric's own K is always evaluated. */
  k?: readonly number[] | undefined;
  /** Parameters every trial uses; they are not searched. */
  fixed?: Record<string, unknown> | undefined;
  /** What to search instead of algorithm.searchSpace. */
  space?: SearchSpace | undefined;
  /** Seeds the sampler, the user sample and every training run (one seed for all trials). */
  seed: number;
  /** Evaluate every trial on this many validation users drawn at random (default all). */
  sampleUsers?: number | undefined;
  /** Start no new trial once this many seconds have passed; the running one finishes. */
  maxSeconds?: number | undefined;
  /** Aborts the running trial; the finished ones are returned. */
  signal?: AbortSignal | undefined;
  onProgress?: ((p: TuneProgress) => void) | undefined;
  /** After each trial, with the best so far. */
  onTrial?: ((trial: TuneTrial, best: TuneTrial) => void) | undefined;
}

export interface TuneProgress {
  /** The running trial and how many are planned (trial 0 included). */
  trial: number;
  trials: number;
  /** 'train: epoch', 'evaluate', … */
  stage: string;
  done: number;
  total: number;
}

export interface TuneTrial {
  /** 0 = the defaults (with the fixed parameters), then in sampling order. */
  trial: number;
  /** Validated parameters, defaults filled in: what `--params` would need to repeat it. */
  params: Record<string, unknown>;
  /** The tuned metric's value. */
  score: number;
  metrics: Record<string, number>;
  trainSeconds: number;
  evalSeconds: number;
}

export type TuneStop = 'completed' | 'time' | 'aborted' | 'exhausted';

export interface TuneResult {
  algorithm: string;
  metric: string;
  k: number[];
  /** The parameters searched (fixed ones removed). */
  space: SearchSpace;
  /** Validation users each trial was evaluated on. */
  users: number;
  /** Best first; equal scores keep trial order. Empty only if trial 0 was aborted. */
  trials: TuneTrial[];
  /**
   * Why the search ended: every trial ran, the time budget passed, the signal aborted, or the
   * space had no configuration left that had not been tried.
   */
  stopped: TuneStop;
}

/** Random search over `algorithm`'s parameters on `split`; see the file comment. */
export async function tune(algorithm: Algorithm, split: Split, options: TuneOptions): Promise<TuneResult> {
  const { metric, k, fixed, defaults, space } = planTune(algorithm, options);
  const validation: Split =
    options.sampleUsers === undefined ? split : { train: split.train, test: sampleTestSet(split.test, options.sampleUsers, options.seed) };

  const planned = options.trials + 1;
  const started = performance.now();
  const rng = new Rng(options.seed);
  const tried = new Set<string>();
  const done: TuneTrial[] = [];
  let best: TuneTrial | undefined;
  let users = 0;
  let stopped: TuneStop = 'completed';
  for (let t = 0; t < planned; t++) {
    if (options.signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    if (t > 0 && options.maxSeconds !== undefined && (performance.now() - started) / 1000 >= options.maxSeconds) {
      stopped = 'time';
      break;
    }
    const params = t === 0 ? defaults : drawUntried(algorithm, space, fixed, rng, tried);
    if (!params) {
      stopped = 'exhausted';
      break;
    }
    tried.add(JSON.stringify(params));
    let ran: { trial: TuneTrial; users: number };
    try {
      ran = await runTrial(algorithm, validation, t, params, { ...options, metric, k }, (stage, p) =>
        options.onProgress?.({ trial: t, trials: planned, stage, done: p.done, total: p.total }),
      );
    } catch (err) {
      if (!options.signal?.aborted) throw err;
      stopped = 'aborted';
      break;
    }
    const trial = ran.trial;
    users = ran.users;
    done.push(trial);
    if (!best || trial.score > best.score) best = trial;
    options.onTrial?.(trial, best);
  }
  const trials = done.sort((a, b) => b.score - a.score || a.trial - b.trial);
  return { algorithm: algorithm.name, metric, k, space, users, trials, stopped };
}

/**
 * Checks the options before any data is read (tune calls it too): the metric, the fixed
 * parameters, the search space, trials and sampleUsers. Throws VALIDATION_FAILED.
 */
export function planTune(
  algorithm: Algorithm,
  options: TuneOptions,
): { metric: string; k: number[]; fixed: Record<string, unknown>; defaults: Record<string, unknown>; space: SearchSpace } {
  const metric = options.metric ?? DEFAULT_TUNE_METRIC;
  const k = cutOffs(metric, options.k ?? []);
  const fixed = options.fixed ?? {};
  const defaults = parseParams(algorithm, fixed, 'fixed parameters');
  const space = withoutParams(options.space ?? algorithm.searchSpace ?? {}, Object.keys(fixed));
  checkSearchSpace(space);
  if (!Number.isInteger(options.trials) || options.trials < 0) {
    throw new MagpieError('VALIDATION_FAILED', `trials must be a non-negative integer, got ${options.trials}`);
  }
  if (options.sampleUsers !== undefined && !(Number.isInteger(options.sampleUsers) && options.sampleUsers > 0)) {
    throw new MagpieError('VALIDATION_FAILED', `sampleUsers must be a positive integer, got ${options.sampleUsers}`);
  }
  return { metric, k, fixed, defaults, space };
}

/** Trains with `params` on the split's training part and scores the model on its test part. */
async function runTrial(
  algorithm: Algorithm,
  split: Split,
  trial: number,
  params: Record<string, unknown>,
  options: { metric: string; k: number[]; seed: number; signal?: AbortSignal | undefined },
  report: (stage: string, p: { done: number; total: number }) => void,
): Promise<{ trial: TuneTrial; users: number }> {
  const t0 = performance.now();
  const model = await algorithm.train(split.train, params, { seed: options.seed, progress: (p) => report(`train: ${p.stage}`, p), signal: options.signal });
  const trainSeconds = (performance.now() - t0) / 1000;
  const evaluation = await evaluateModelAsync(model, split, { k: options.k, signal: options.signal, onProgress: (p) => report('evaluate', p) });
  const { metrics, seconds: evalSeconds, users } = evaluation;
  return { trial: { trial, params, score: metrics[options.metric]!, metrics, trainSeconds, evalSeconds }, users };
}

/** The next sampled configuration not tried yet, or null if the space seems used up. */
function drawUntried(
  algorithm: Algorithm,
  space: SearchSpace,
  fixed: Record<string, unknown>,
  rng: Rng,
  tried: ReadonlySet<string>,
): Record<string, unknown> | null {
  if (Object.keys(space).length === 0) return null;
  for (let draw = 0; draw < MAX_DRAWS_PER_TRIAL; draw++) {
    const params = parseParams(algorithm, { ...sampleParams(space, rng), ...fixed }, 'a sampled configuration');
    if (!tried.has(JSON.stringify(params))) return params;
  }
  return null;
}

/** The evaluated cut-offs: the metric's K plus the extra ones; checks the metric's name. */
function cutOffs(metric: string, extra: readonly number[]): number[] {
  const match = /^([a-z]+)@([1-9]\d*)$/.exec(metric);
  if (!match || !METRIC_NAMES.includes(match[1]!)) {
    throw new MagpieError('VALIDATION_FAILED', `cannot tune for "${metric}": name one of ${METRIC_NAMES.join(', ')} with a cut-off, e.g. ndcg@20`, {
      metric,
      known: METRIC_NAMES,
    });
  }
  return [...new Set([Number(match[2]), ...extra])].sort((a, b) => a - b);
}
