import type { Command } from 'commander';
import { formatTable } from '../../eval/index.js';
import { storageOverrides, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { say } from '../output.js';
import { progressReporter } from '../progress.js';

export function trainCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('train')
    .description('Train every configured model role on the stored data and save the new versions.')
    .option('--config <file>', 'JSON configuration file')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]')
    .action(async (o: StorageOptions) => {
      const progress = progressReporter();
      const engine = await createEngine(
        storageOverrides(o),
        { onTrainProgress: (p) => progress.update(p.stage, p.done, p.total) },
        o.config,
      );
      try {
        const summary = await engine.train();
        progress.stop();
        const metricNames = [...new Set(summary.models.flatMap((m) => Object.keys(m.metrics)))].filter((n) => n.endsWith('@20'));
        const rows = summary.models.map((m) => [
          m.name,
          m.algorithm,
          `v${m.version}`,
          m.state,
          m.trainingSeconds.toFixed(2),
          ...metricNames.map((n) => (m.metrics[n] === undefined ? '-' : m.metrics[n]!.toFixed(4))),
        ]);
        process.stdout.write(`${formatTable(['role', 'algorithm', 'version', 'state', 'train s', ...metricNames.map((n) => `holdout ${n}`)], rows)}\n`);
        process.stdout.write(`trained in ${summary.seconds.toFixed(1)} s\n`);
        // A model the validation gate refused stays a candidate: say why (magpie models promote overrides).
        for (const m of summary.models) if (m.state !== 'serving') say(`${m.name} v${m.version} not promoted: ${m.gate?.reason ?? 'no gate verdict'}`);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}
