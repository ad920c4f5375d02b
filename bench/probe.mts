// A quick tuning probe: trains one algorithm with the given parameters on the Gowalla tune
// split and evaluates every Nth test user (default 5), so a parameter grid can be explored
// in minutes. Usage: npx tsx bench/probe.mts ials '{"factors":128}' [N]
// MAGPIE_DATA names the folder holding gowalla/ (default ../shared/data).
import { getAlgorithm } from '../src/algorithms/index.js';
import { readLightGcnSplit } from '../src/data/index.js';
import { evaluateModel } from '../src/eval/index.js';

const [algo = 'ials', json = '{}', strideText = '5'] = process.argv.slice(2);
const data = process.env['MAGPIE_DATA'] ?? '../shared/data';
const split = await readLightGcnSplit(`${data}/gowalla/tune-train.txt`, `${data}/gowalla/tune-test.txt`);
const stride = Number(strideText);
const kept = [...split.test.users.keys()].filter((j) => j % stride === 0);
const sample = {
  train: split.train,
  test: { users: Int32Array.from(kept, (j) => split.test.users[j]!), items: kept.map((j) => split.test.items[j]!) },
};
const algorithm = getAlgorithm(algo);
const params = algorithm.paramsSchema.parse(JSON.parse(json));
const t0 = performance.now();
const model = await algorithm.train(split.train, params, { seed: 42 });
const trainSeconds = (performance.now() - t0) / 1000;
const r = evaluateModel(model, sample, { k: 20 });
console.log(
  `${algo} ${json} users ${r.users} train ${trainSeconds.toFixed(1)} s ` +
    `recall@20 ${r.metrics['recall@20']!.toFixed(4)} ndcg@20 ${r.metrics['ndcg@20']!.toFixed(4)}`,
);
