// Offline evaluation of the learned ranker (issue #4): does LambdaMART over the ranking
// features beat the best single candidate source? Run: npx tsx bench/ranker.mts
//
//   --mode all | movielens,simulated,speed   (default all)
//   --data DIR            folder holding ml-latest-small/ (default $MAGPIE_DATA or ../shared/data)
//   --k 10                NDCG@k / Recall@k, and the k of the LambdaMART lambdas
//   --per-source 100      candidates each source proposes
//   --seed 42             seeds sources, learners, the simulation
//   --windows-from 0.2 --window-step 0.025   MovieLens ranker-training windows (quantiles of event time)
//   --folds 5             cross-validation folds choosing the learned rankers' rounds (MovieLens)
//
// movielens (ranker-movielens.mts, skipped when the files are absent): a global time split of
// ml-latest-small, in two protocols: A, the last 20% of events as the test (few users), and B,
// rolling origin over every window after 60% (more users). simulated (ranker-simulated.mts): a
// click log from a world with known preferences and position-biased clicks, through the
// impression → training-group path. speed (ranker-speed.mts): scoring throughput.
// Everything is seeded: a rerun prints the same quality numbers.
import { parseArgs } from 'node:util';
import { FeatureAssembler, type GbdtParamsInput } from '../src/pipeline/ranking/index.js';
import type { SourceSpec } from './ranker-common.mjs';
import { compare } from './ranker-compare.mjs';
import { buildStage, concatStages, loadMovieLens, timeAt, type Stage } from './ranker-movielens.mjs';
import { runSimulated } from './ranker-simulated.mjs';
import { runSpeed } from './ranker-speed.mjs';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'all' },
    data: { type: 'string', default: process.env['MAGPIE_DATA'] ?? '../shared/data' },
    k: { type: 'string', default: '10' },
    'per-source': { type: 'string', default: '100' },
    seed: { type: 'string', default: '42' },
    'windows-from': { type: 'string', default: '0.2' },
    'window-step': { type: 'string', default: '0.025' },
    folds: { type: 'string', default: '5' },
  },
});
const k = Number(args.k);
const perSource = Number(args['per-source']);
const seed = Number(args.seed);

const SOURCES: SourceSpec[] = [
  { name: 'popularity', algorithm: 'popularity', params: { halfLifeDays: null } },
  { name: 'itemknn', algorithm: 'itemknn', params: {} },
  { name: 'ials', algorithm: 'ials', params: { factors: 64, epochs: 10 } },
];
const LAMBDAMART: GbdtParamsInput = { objective: 'lambdamart', trees: 300, learningRate: 0.05, maxLeaves: 15, minDataInLeaf: 50, ndcgAt: k, earlyStoppingRounds: 40 };
const LOGISTIC: GbdtParamsInput = { ...LAMBDAMART, objective: 'binary' };
const LEARNERS = [['lambdamart', LAMBDAMART], ['logistic', LOGISTIC]] as const;
/** Protocol A tests on events after this quantile of event time; protocol B from ROLLING_FROM on. */
const TEST_FROM = 0.8;
const ROLLING_FROM = 0.6;

console.log(`bench/ranker.mts mode=${args.mode} k=${k} per-source=${perSource} seed=${seed} windows-from=${args['windows-from']} window-step=${args['window-step']} folds=${args.folds}`);
console.log(`  sources: ${SOURCES.map((s) => `${s.name}=${s.algorithm}${JSON.stringify(s.params)}`).join(' ')}`);
console.log(`  lambdamart: ${JSON.stringify(LAMBDAMART)}`);

const modes = args.mode === 'all' ? ['movielens', 'simulated', 'speed'] : (args.mode ?? '').split(',');
if (modes.includes('movielens')) await runMovieLens();
if (modes.includes('simulated')) await runSimulated({ k, seed, perSource, sources: SOURCES, params: LAMBDAMART, logistic: LOGISTIC });
if (modes.includes('speed')) runSpeed(seed);

async function runMovieLens(): Promise<void> {
  const dir = `${args.data}/ml-latest-small`;
  const ml = await loadMovieLens(dir);
  console.log(`\n== MovieLens (${dir}) ==`);
  if (!ml) {
    console.log(`  skipped: ${dir}/ratings.csv or movies.csv is absent`);
    return;
  }
  const t0 = performance.now();
  const assembler = new FeatureAssembler({ sources: SOURCES.map((s) => s.name) });
  const stage = (from: number, to: number): Promise<Stage> => buildStage(ml, timeAt(ml, from), timeAt(ml, to), SOURCES, assembler, { perSource, seed });
  // Windowed stages from windows-from to the end: sources trained before each window's start.
  const cuts = windows(Number(args['windows-from']), Number(args['window-step']), 1);
  const stages: { from: number; stage: Stage }[] = [];
  for (let j = 0; j + 1 < cuts.length; j++) stages.push({ from: cuts[j]!, stage: await stage(cuts[j]!, cuts[j + 1]!) });
  const before = (q: number): Stage => concatStages(stages.filter((s) => s.from < q - 1e-9).map((s) => s.stage));
  const after = (q: number): Stage => concatStages(stages.filter((s) => s.from >= q - 1e-9).map((s) => s.stage));
  const common = { assembler, sources: SOURCES.map((s) => s.name), learners: LEARNERS, seed, k, folds: Number(args.folds) };
  compare({
    ...common,
    title: `A. the last 20%: sources trained on the first ${TEST_FROM * 100}% of events (to ${day(timeAt(ml, TEST_FROM))}), tested on the rest; ranker trained on the ${pct(cuts[0]!)}–${TEST_FROM * 100}% windows`,
    train: before(TEST_FROM),
    test: await stage(TEST_FROM, 1),
  });
  compare({
    ...common,
    title: `B. rolling origin: ranker trained on the ${pct(cuts[0]!)}–${ROLLING_FROM * 100}% windows, tested on every later ${pct(Number(args['window-step']))} window (sources retrained before each)`,
    train: before(ROLLING_FROM),
    test: after(ROLLING_FROM),
  });
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function pct(q: number): string {
  return `${Math.round(q * 1000) / 10}%`;
}

function windows(from: number, step: number, to: number): number[] {
  const out: number[] = [];
  for (let j = 0; from + j * step < to - 1e-9; j++) out.push(Math.round((from + j * step) * 1e6) / 1e6);
  return [...out, to];
}
