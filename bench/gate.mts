// The validation gate on the generated demo catalogue (600 films, 500 users, ~29k events): what
// each verdict says and what the gate costs. Run 1 trains the default roles (main = blend); run 2
// retrains the same recipes (no extra training: the gate reuses the new model's score); run 3
// swaps main to popularity, so the gate retrains blend on the holdout to compare and refuses it.
// Usage: npx tsx bench/gate.mts
import { createEngine, type MagpieConfigInput } from '../src/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'magpie-gate-'));
const url = `sqlite:${join(dir, 'gate.db')}`;
const base: MagpieConfigInput = { storage: { url }, server: { logLevel: 'silent' }, training: { intervalMinutes: 0, inWorker: false } };

async function run(label: string, config: MagpieConfigInput, seed = false): Promise<void> {
  const engine = await createEngine(config);
  try {
    if (seed) await engine.seedDemo();
    const summary = await engine.train();
    console.log(`${label}: ${summary.seconds.toFixed(2)} s`);
    for (const m of summary.models.filter((x) => x.name === 'main')) {
      console.log(`  main v${m.version} ${m.algorithm} ${m.state}: ${m.gate?.reason}`);
    }
  } finally {
    await engine.close();
  }
}

await run('run 1 (first models)', base, true);
await run('run 2 (same recipes)', base);
await run('run 3 (main = popularity)', { ...base, training: { ...base.training, models: { main: { algorithm: 'popularity', params: { halfLifeDays: 0 } } } } });
rmSync(dir, { recursive: true, force: true });
