import type { Command } from 'commander';
import { formatTable } from '../../eval/index.js';
import type { ModelMeta } from '../../ports/index.js';
import { storageOverrides, type CliEngine, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { parseIntOption, say } from '../output.js';

interface ModelsOptions extends StorageOptions {
  json?: boolean;
}

/** `magpie models list|show|promote|rollback`: the model registry (docs/models.md). */
export function modelsCommand(program: Command, createEngine: EngineFactory): void {
  const models = program
    .command('models')
    .description('The model registry: list trained versions, show one, promote a version, roll back to the previous one.');

  /** Opens the engine without a training schedule, runs work, closes it. */
  const withEngine = async (o: ModelsOptions, work: (engine: CliEngine) => Promise<void>): Promise<void> => {
    const engine = await createEngine({ ...storageOverrides(o), training: { intervalMinutes: 0 } }, {}, o.config);
    try {
      await work(engine);
    } finally {
      await engine.close();
    }
  };

  storageFlags(models.command('list'))
    .description('Every trained version, newest first: state (serving, candidate, retired), holdout metric and gate verdict.')
    .option('--name <role>', 'only this role (main, similar, popular, trending, ranker:<surface>…)')
    .action((o: ModelsOptions & { name?: string }) =>
      withEngine(o, async (engine) => {
        const list = await engine.registry.list(o.name);
        if (o.json) return print(JSON.stringify({ models: list }, null, 2));
        if (list.length === 0) return say('no trained models');
        const rows = list.map((m) => [
          m.name,
          `v${m.version}`,
          m.state,
          m.algorithm,
          new Date(m.trainedAt).toISOString().replace(/\.\d+Z$/, 'Z'),
          metricOf(m),
          gateOf(m),
        ]);
        print(formatTable(['name', 'version', 'state', 'algorithm', 'trained', 'holdout', 'gate'], rows));
      }),
    );

  storageFlags(models.command('show'))
    .description('One version in full (parameters, metrics, data, gate) and its name\'s promotion history.')
    .argument('<name>', 'the role, e.g. main')
    .argument('<version>', 'the version number', parseIntOption)
    .action((name: string, version: number, o: ModelsOptions) =>
      withEngine(o, async (engine) => {
        const details = await engine.registry.show(name, version);
        if (o.json) return print(JSON.stringify(details, null, 2));
        const m = details.model;
        const lines = [
          `${m.name} v${m.version}: ${m.state}${m.promotedAt === null ? '' : ` (promoted ${iso(m.promotedAt)})`}`,
          `algorithm   ${m.algorithm} ${JSON.stringify(m.params)}`,
          `trained     ${iso(m.trainedAt)} in ${m.trainingSeconds.toFixed(2)} s, ${m.bytes} bytes`,
          `data        ${m.data.users} users, ${m.data.items} items, ${m.data.interactions} interactions, ${m.data.events} events` +
            (m.data.from === null || m.data.to === null ? '' : ` from ${iso(m.data.from)} to ${iso(m.data.to)}`),
          `holdout     ${Object.entries(m.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ') || 'none'}`,
          `gate        ${m.gate === null ? 'none' : `${m.gate.passed ? 'passed' : 'refused'}: ${m.gate.reason}`}`,
          'promotions of this name, newest first:',
          ...details.promotions.map((p) => `  v${p.version} ${iso(p.promotedAt)}${p.rolledBackAt === null ? '' : `, rolled back ${iso(p.rolledBackAt)}`}`),
        ];
        print(lines.join('\n'));
      }),
    );

  storageFlags(models.command('promote'))
    .description('Put a version in service (whatever the gate said); the version serving before it is retired. Servers swap within serving.modelPollSeconds.')
    .argument('<name>', 'the role, e.g. main')
    .argument('<version>', 'the version number', parseIntOption)
    .action((name: string, version: number, o: ModelsOptions) =>
      withEngine(o, async (engine) => {
        const m = await engine.registry.promote(name, version);
        if (o.json) return print(JSON.stringify({ model: m }, null, 2));
        say(`${m.name} v${m.version} is serving`);
      }),
    );

  storageFlags(models.command('rollback'))
    .description('The version that served before the current one serves again; the current one is retired.')
    .argument('<name>', 'the role, e.g. main')
    .action((name: string, o: ModelsOptions) =>
      withEngine(o, async (engine) => {
        const m = await engine.registry.rollback(name);
        if (o.json) return print(JSON.stringify({ model: m }, null, 2));
        say(`rolled back: ${m.name} v${m.version} is serving again`);
      }),
    );
}

function storageFlags(cmd: Command): Command {
  return cmd
    .option('--json', 'print JSON')
    .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]');
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The gate's metric when the model has one, else ndcg@20 (the default gate metric), else "-". */
function metricOf(m: ModelMeta): string {
  const metric = m.gate?.metric ?? 'ndcg@20';
  const value = m.metrics[metric];
  return value === undefined ? '-' : `${metric} ${value.toFixed(4)}`;
}

function gateOf(m: ModelMeta): string {
  if (m.gate === null) return '-';
  if (!m.gate.passed) return `refused: ${m.gate.reason}`;
  return m.gate.serving === null ? `passed (${m.gate.reason})` : 'passed';
}
