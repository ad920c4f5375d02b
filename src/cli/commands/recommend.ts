import type { Command } from 'commander';
import { getAlgorithm, parseParams, type Algorithm } from '../../algorithms/index.js';
import { DEFAULT_MODELS } from '../../config/index.js';
import { readLightGcnFile, trainingDataFromLists, writeLightGcnFile, type UserItems } from '../../data/index.js';
import { recommendAll } from '../../eval/index.js';
import { parseIntOption, parseJsonOption, say } from '../output.js';
import { progressReporter } from '../progress.js';

interface RecommendOptions {
  train: string;
  algo: string;
  k: number;
  out: string;
  params?: Record<string, unknown>;
  seed: number;
}

export function recommendCommand(program: Command): void {
  program
    .command('recommend')
    .description('Train on a "user item item …" file and write every user\'s top K (training items excluded) in the same format.')
    .requiredOption('--train <file>', 'training lines "user item item …"')
    .requiredOption('--out <file>', 'where to write "user item item …" lines')
    .option('--algo <name>', 'algorithm (magpie algorithms lists them), or "default": the engine\'s main model as configured by default', 'default')
    .option('--k <n>', 'items per user', parseIntOption, 20)
    .option('--params <json>', 'algorithm parameters as a JSON object', parseJsonOption)
    .option('--seed <n>', 'random seed', parseIntOption, 42)
    .action(async (o: RecommendOptions) => {
      const progress = progressReporter();
      const { algorithm, baseParams } = resolveAlgorithm(o.algo);
      const params = parseParams(algorithm, { ...baseParams, ...o.params }, '--params');
      const lines: UserItems[] = [];
      for await (const line of readLightGcnFile(o.train, { onProgress: (p) => progress.update(`reading ${p.file}`, p.bytes, p.totalBytes) })) {
        lines.push(line);
      }
      const train = trainingDataFromLists(lines);
      const t0 = performance.now();
      const model = await algorithm.train(train, params, { seed: o.seed, progress: (p) => progress.update(`${algorithm.name}: ${p.stage}`, p.done, p.total) });
      say(`${algorithm.name}: trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const written = await writeLightGcnFile(
        o.out,
        recommendAll(model, train, { k: o.k, onProgress: (p) => progress.update('recommending', p.done, p.total) }),
      );
      progress.stop();
      say(`wrote ${written.lines} users' top ${o.k} to ${o.out}`);
    });
}

/** "default" is the algorithm and parameters of the engine's default main role. */
function resolveAlgorithm(name: string): { algorithm: Algorithm; baseParams: Record<string, unknown> } {
  if (name !== 'default') return { algorithm: getAlgorithm(name), baseParams: {} };
  const main = DEFAULT_MODELS['main']!;
  return { algorithm: getAlgorithm(main.algorithm), baseParams: { ...main.params } };
}
