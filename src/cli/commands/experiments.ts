import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatTable } from '../../eval/index.js';
import { MagpieError } from '../../core/index.js';
import type { Experiment } from '../../ports/index.js';
import type { ExperimentReport, TestResult } from '../../services/index.js';
import { storageOverrides, type CliEngine, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { say } from '../output.js';

interface Options extends StorageOptions {
  json?: boolean;
  reason?: string;
}

/** `magpie experiments create|list|show|start|stop|report` on the configured store. */
export function experimentsCommand(program: Command, createEngine: EngineFactory): void {
  const group = program.command('experiments').description('A/B experiments: create, start, stop and read their reports (docs/experiments.md).');
  const withStorage = (c: Command): Command =>
    c
      .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
      .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
      .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]')
      .option('--json', 'print JSON instead of a table');
  const run = async (o: Options, work: (engine: CliEngine) => Promise<void>): Promise<void> => {
    const engine = await createEngine({ ...storageOverrides(o), training: { intervalMinutes: 0 } }, {}, o.config);
    try {
      await work(engine);
    } finally {
      await engine.close();
    }
  };
  const print = (o: Options, value: unknown, text: () => string): void => {
    process.stdout.write(o.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  };

  withStorage(group.command('create <file>').description('Create a draft from a JSON definition file ("-" reads stdin).')).action(
    async (file: string, o: Options) => {
      const definition = readDefinition(file);
      await run(o, async (engine) => {
        const e = await engine.experiments.create(definition);
        print(o, e, () => describe(e));
        say(`created ${e.id}; start it with: magpie experiments start ${e.id}`);
      });
    },
  );

  withStorage(group.command('list').description('Every experiment, newest first.')).action(async (o: Options) => {
    await run(o, async (engine) => {
      const all = await engine.experiments.list();
      print(o, all, () =>
        formatTable(
          ['id', 'status', 'surface', 'variants', 'name'],
          all.map((e) => [e.id, e.status, e.surface, e.variants.map((v) => `${v.name} ${v.share}`).join(', '), e.name]),
        ),
      );
    });
  });

  withStorage(group.command('show <id>').description('One experiment.')).action(async (id: string, o: Options) => {
    await run(o, async (engine) => {
      const e = await engine.experiments.get(id);
      print(o, e, () => describe(e));
    });
  });

  withStorage(group.command('start <id>').description('Start a draft; servers pick it up within experiments.pollSeconds.')).action(
    async (id: string, o: Options) => {
      await run(o, async (engine) => {
        const e = await engine.experiments.start(id);
        print(o, e, () => describe(e));
      });
    },
  );

  withStorage(group.command('stop <id>').description('Stop an experiment; every user gets the surface as configured again.'))
    .option('--reason <text>', 'recorded with the stop', 'stopped by hand')
    .action(async (id: string, o: Options) => {
      await run(o, async (engine) => {
        const e = await engine.experiments.stop(id, o.reason);
        print(o, e, () => describe(e));
      });
    });

  withStorage(group.command('report <id>').description('Per variant: exposure, CTR, conversion, clicks per user, tests against the control.')).action(
    async (id: string, o: Options) => {
      await run(o, async (engine) => {
        const r = await engine.experiments.report(id);
        print(o, r, () => formatReport(r));
      });
    },
  );
}

function readDefinition(file: string): unknown {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MagpieError('INPUT_FILE_INVALID', `${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function describe(e: Experiment): string {
  const when = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());
  const lines = [
    `${e.id}: ${e.name}`,
    `surface ${e.surface}, ${e.status}; control ${e.control}; salt ${e.salt}`,
    `created ${when(e.createdAt)}, started ${when(e.startedAt)}, stopped ${when(e.stoppedAt)}${e.stopReason ? ` (${e.stopReason})` : ''}`,
    formatTable(
      ['variant', 'share', 'mode', 'surface override', 'model'],
      e.variants.map((v) => [v.name, String(v.share), v.mode, v.surface ? JSON.stringify(v.surface) : '-', v.model ? `${v.model.role} v${v.model.version}` : '-']),
    ),
  ];
  if (e.canary) lines.push(`canary: stop when errors +${e.canary.maxErrorRateDelta} or p95 × ${e.canary.maxLatencyRatio}, after ${e.canary.minRequests} requests`);
  return lines.join('\n');
}

function formatReport(r: ExperimentReport): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const ci = (i: { low: number; high: number }, f: (x: number) => string): string => `[${f(i.low)}, ${f(i.high)}]`;
  const test = (t: TestResult | null): string =>
    t === null ? '-' : `${t.difference >= 0 ? '+' : ''}${t.difference.toFixed(4)} z=${t.z.toFixed(2)} p=${t.pValue.toPrecision(2)}${t.significant ? ' *' : ''}`;
  const rows = r.variants.map((v) => [
    v.name,
    v.mode,
    String(v.exposedUsers),
    String(v.impressions),
    String(v.clicks),
    `${pct(v.ctr)} ${ci(v.ctrInterval, pct)}`,
    `${v.conversions} / ${pct(v.conversionRate)} ${ci(v.conversionInterval, pct)}`,
    `${v.clicksPerUser.toFixed(2)} ${ci(v.clicksPerUserInterval, (x) => x.toFixed(2))}`,
    test(v.vsControl),
    test(v.engagementVsControl),
    `${v.health.requests}/${v.health.errors} p95 ${v.health.p95Ms === null ? '-' : `${v.health.p95Ms.toFixed(1)}ms`}`,
  ]);
  const lines = [
    `${r.experiment} on ${r.surface} (${r.status}), control ${r.control}, ${r.from === null ? 'not started' : `${new Date(r.from).toISOString()} → ${new Date(r.to).toISOString()}`}`,
    formatTable(['variant', 'mode', 'users', 'impr.', 'clicks', 'CTR [95%]', 'conv. / rate [95%]', 'clicks/user [95%]', 'CTR vs control', 'clicks/user vs control', 'lists/errors'], rows),
    `* significant at ${r.alpha}. CTR: ${r.test}.`,
  ];
  for (const v of r.variants) {
    if (!v.shadow) continue;
    const s = v.shadow;
    lines.push(
      `shadow ${v.name}: ${s.lists} lists for ${s.users} users, mean overlap with the shown list ${pct(s.meanOverlap)}; ` +
        `of ${s.positives} later positive events, ${s.positivesOnShadowItems} on shadow items, ${s.positivesOnShownItems} on shown items`,
    );
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
