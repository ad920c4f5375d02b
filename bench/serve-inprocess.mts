// The serving pipeline without HTTP: mean / p50 / p99 of engine.recommend.recommend() for the
// first 200 users, cached and uncached (bench/serve.mts builds the catalogue; pass its --keep folder).
// Usage: npx tsx bench/serve-inprocess.mts /tmp/serve-bench
import { join } from 'node:path';
import { createEngine } from '../src/index.js';

const dir = process.argv[2] ?? '/tmp/serve-bench';
for (const cacheSeconds of [30, 0]) {
  const engine = await createEngine({
    storage: { url: `sqlite:${join(dir, 'serve.db')}` },
    server: { logLevel: 'silent' },
    training: { intervalMinutes: 0 },
    serving: { surfaces: { home: { cacheSeconds } } },
  });
  for (let u = 0; u < 200; u++) await engine.recommend.recommend(String(u), { n: 20 });
  const times: number[] = [];
  const t0 = performance.now();
  for (let rep = 0; rep < 5; rep++) {
    for (let u = 0; u < 200; u++) {
      const t = performance.now();
      await engine.recommend.recommend(String(u), { n: 20 });
      times.push(performance.now() - t);
    }
  }
  const mean = (performance.now() - t0) / times.length;
  times.sort((a, b) => a - b);
  const q = (p: number): string => times[Math.floor(p * (times.length - 1))]!.toFixed(3);
  console.log(`${cacheSeconds > 0 ? 'cached  ' : 'uncached'} mean ${mean.toFixed(3)} ms, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
  await engine.close();
}
