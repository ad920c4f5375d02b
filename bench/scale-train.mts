// One training run of the default configuration on an existing store, in its own process so that
// its peak memory is its own: bench:scale starts it. Prints one JSON line (prefixed RESULT) with
// the run's summary, the time of each stage seen in the progress reports, and the process's RSS
// high-water mark (getrusage maxrss, which covers the training thread: threads share the
// process). On failure the line carries the error and the last stage reached instead.
//
// Usage: tsx bench/scale-train.mts --db FILE
import { parseArgs } from 'node:util';
import { createEngine } from '../src/index.js';

const { values } = parseArgs({ options: { db: { type: 'string' } } });
if (!values.db) throw new Error('--db FILE is required');

/** Stage name → first and last time (ms since start) a progress report named it. */
const stages = new Map<string, { first: number; last: number }>();
const t0 = performance.now();
let lastStage = '(start)';
// Samples the RSS as well, so that a run killed by the kernel still says how far memory got.
let peakSampled = 0;
const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, process.memoryUsage.rss())), 250);

const engine = await createEngine(
  { storage: { url: `sqlite:${values.db}` }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0 } },
  {
    onTrainProgress: (p) => {
      const t = performance.now() - t0;
      const s = stages.get(p.stage);
      if (s) s.last = t;
      else stages.set(p.stage, { first: t, last: t });
      if (p.stage !== lastStage) {
        lastStage = p.stage;
        process.stderr.write(`  [train ${(t / 1000).toFixed(1)} s, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB] ${p.stage}\n`);
      }
    },
  },
);
const maxRssMiB = (): number => Math.max(process.resourceUsage().maxRSS / 1024, peakSampled / 2 ** 20);
try {
  const summary = await engine.train();
  const result = {
    ok: true,
    seconds: summary.seconds,
    // On the same clock as the stages' times (from this process's start), unlike summary.seconds.
    endSeconds: (performance.now() - t0) / 1000,
    models: summary.models.map((m) => ({ role: m.name, algorithm: m.algorithm, trainingSeconds: m.trainingSeconds, bytes: m.bytes, metrics: m.metrics, data: m.data })),
    skipped: summary.skipped ?? [],
    stages: [...stages].map(([stage, s]) => ({ stage, firstSeconds: s.first / 1000, lastSeconds: s.last / 1000 })),
    maxRssMiB: maxRssMiB(),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
} catch (err) {
  const e = err as Error & { code?: string };
  console.log(`RESULT ${JSON.stringify({ ok: false, error: `${e.code ?? e.name}: ${e.message}`, lastStage, seconds: (performance.now() - t0) / 1000, maxRssMiB: maxRssMiB() })}`);
  process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await engine.close();
}
