// Fold-in by conjugate gradient vs the exact (Cholesky) solve on a trained iALS model: time per
// fold-in and agreement of the top-200 items (what the collaborative source retrieves).
// Usage: npx tsx bench/foldin.mts <sqlite file with a trained main model (bench:serve --keep)>
import { createEngine } from '../src/index.js';
import { BlendModel, IalsModel } from '../src/algorithms/index.js';
import { topK } from '../src/math/index.js';
import { buildHistory, queryFor } from '../src/pipeline/index.js';

const file = process.argv[2] ?? '/tmp/serve-bench/serve.db';
const engine = await createEngine({ storage: { url: `sqlite:${file}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0 } });
const main = engine.models.get('main')?.model;
const ials = main instanceof IalsModel ? main : main instanceof BlendModel ? main.components.find((c) => c instanceof IalsModel) : undefined;
if (!(ials instanceof IalsModel)) throw new Error('no iALS model in service');
const k = ials.factors;
const n = ials.items.size;
const scores = new Float32Array(n);
const score = (u: Float64Array): Set<number> => {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += u[t]! * ials.itemFactorMatrix[i * k + t]!;
    scores[i] = s;
  }
  return new Set(topK(scores, 200).indices);
};
const times = { cg: [] as number[], exact: [] as number[] };
let overlap = 0;
let users = 0;
for (let u = 0; u < 300; u++) {
  const events = await engine.stores.data.userEvents(String(u * 97), { limit: engine.config.serving.historyLimit });
  const q = queryFor(ials, buildHistory(events, engine.config.feedback.types));
  if (q.items.length === 0) continue;
  let t = performance.now();
  const exact = Float64Array.from(ials.foldIn(q.items, q.weights, true));
  times.exact.push(performance.now() - t);
  t = performance.now();
  const cg = Float64Array.from(ials.foldIn(q.items, q.weights));
  times.cg.push(performance.now() - t);
  const a = score(exact);
  const b = score(cg);
  overlap += [...a].filter((i) => b.has(i)).length / 200;
  users++;
}
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`${users} users, ${k} factors: fold-in median exact ${median(times.exact).toFixed(3)} ms, CG ${median(times.cg).toFixed(3)} ms (${(median(times.exact) / median(times.cg)).toFixed(1)}×); top-200 overlap CG vs exact ${(overlap / users).toFixed(4)}`);
await engine.close();
