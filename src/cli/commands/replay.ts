import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { MagpieError } from '../../core/index.js';
import { formatTable } from '../../eval/index.js';
import type { ReplayReport, ReplayVariant } from '../../services/index.js';
import { storageOverrides, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { parseIntList, parseIntOption, say } from '../output.js';
import { progressReporter } from '../progress.js';

interface ReplayCliOptions extends StorageOptions {
  from: number;
  to?: number;
  surface: string;
  configOverride?: string;
  baselineOverride?: string;
  k: number[];
  users?: number;
  seed?: number;
  json?: string | true;
}

export function replayCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('replay')
    .description(
      'Offline replay: train the configured models on the events before --from, ask a surface for the list of every user active in [--from, --to) and score it against what they went on to like (accuracy, coverage, diversity, novelty, popularity bias); with --config-override, compare the change with the configured surface.',
    )
    .requiredOption('--from <time>', 'window start: an ISO date/time or epoch ms (the state before it trains and serves)', parseTime)
    .option('--to <time>', 'window end, exclusive: an ISO date/time or epoch ms (default: now)', parseTime)
    .option('--surface <name>', 'a user-anchored surface', 'home')
    .option(
      '--config-override <file>',
      'the candidate, compared with the surface as configured: a JSON surface configuration merged over the surface, or {"surface": {…}, "models": {role: {"algorithm", "params"}}}',
    )
    .option('--baseline-override <file>', 'the same, for the baseline instead of the surface as configured')
    .option('--k <list>', 'cut-off(s), comma-separated', parseIntList, [10, 20])
    .option('--users <n>', 'score at most this many users, a seeded sample', parseIntOption)
    .option('--seed <n>', 'seed of the user sample (default: training.seed)', parseIntOption)
    .option('--json [file]', 'print the report as JSON (to the file when one is given) instead of the table')
    .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]')
    .action(async (o: ReplayCliOptions) => {
      const variants = await variantsOf(o);
      const engine = await createEngine({ ...storageOverrides(o), training: { intervalMinutes: 0 } }, {}, o.config);
      const progress = progressReporter();
      try {
        const report = await engine.replay.run({
          from: o.from,
          to: o.to ?? Date.now(),
          surface: o.surface,
          k: o.k,
          users: o.users,
          seed: o.seed,
          variants,
          progress: (p) => progress.update(p.stage, p.done, p.total),
        });
        progress.stop();
        const json = `${JSON.stringify(report, null, 2)}\n`;
        if (o.json === true) process.stdout.write(json);
        else if (typeof o.json === 'string') {
          await writeFile(o.json, json);
          say(`report written to ${o.json}`);
        } else {
          for (const line of summaryLines(report)) say(line);
          process.stdout.write(`${formatReplayTable(report)}\n`);
        }
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** An ISO-8601 date or date-time, or whole epoch milliseconds. */
export function parseTime(value: string): number {
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(t)) throw new InvalidArgumentError(`"${value}" is neither an ISO date/time nor epoch ms`);
  return t;
}

async function variantsOf(o: ReplayCliOptions): Promise<ReplayVariant[]> {
  const baseline: ReplayVariant = o.baselineOverride
    ? await readOverride('baseline', o.baselineOverride)
    : { name: o.configOverride ? 'baseline' : 'configured' };
  if (!o.configOverride) return [baseline];
  return [baseline, await readOverride('candidate', o.configOverride)];
}

/**
 * An override file holds a surface configuration, or {"surface": {…}, "models": {…}} to change
 * the model roles too (neither key is a surface configuration's, so the two cannot be confused).
 */
async function readOverride(name: string, file: string): Promise<ReplayVariant> {
  const json = await readJsonObject(file);
  if (!('surface' in json) && !('models' in json)) return { name, surfaceOverride: json };
  const { surface, models, ...rest } = json;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new MagpieError('INPUT_FILE_INVALID', `override ${file}: unknown key "${unknown}" next to "surface"/"models"`);
  }
  return { name, surfaceOverride: surface as Record<string, unknown> | undefined, modelsOverride: models as Record<string, unknown> | undefined };
}

async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new MagpieError('INPUT_FILE_INVALID', `cannot read override ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MagpieError('INPUT_FILE_INVALID', `override ${file} must hold a JSON object (a surface configuration)`);
  }
  return parsed as Record<string, unknown>;
}

function summaryLines(r: ReplayReport): string[] {
  const iso = (t: number) => new Date(t).toISOString();
  const w = r.window;
  return [
    `replay of surface "${r.surface}" over [${iso(r.from)}, ${iso(r.to)})`,
    `state before the window: ${r.state.events} events, ${r.state.users} users, ${r.state.items} items; ${r.state.trainingRuns} training run(s), ${r.state.trainingSeconds.toFixed(1)} s`,
    ...r.variants.map((v) => `${v.name}: sources ${v.surface.sources.map((s) => s.name).join(', ') || '(none)'}; models ${Object.entries(v.models).map(([role, m]) => `${role}=${m.algorithm}`).join(', ')}`),
    `window: ${w.events} events, ${w.positives} positive; ${w.windowUsers} users with positive events, ${w.eligibleUsers} with a reachable item, ${w.scoredUsers} scored (${w.coldUsers} cold-start), ${w.relevantPairs} relevant user-item pairs`,
    `left out: ${w.droppedUnknownItems} pairs on items unknown or hidden at --from, ${w.droppedKnownItems} on items the user had already seen or disliked`,
    `diversity = ${r.diversity}; novelty in bits; popPercentile 0 = least popular item, 1 = most`,
  ];
}

/**
 * One row per metric; a column per configuration, then (with two) the difference and, for the
 * accuracy metrics, the 95% interval of the per-user difference.
 */
export function formatReplayTable(r: ReplayReport): string {
  const [base, cand] = r.variants;
  const header = ['metric', ...r.variants.map((v) => v.name)];
  if (cand) header.push('difference', '95% interval');
  const metricNames = Object.keys(base?.metrics ?? {});
  const rows = metricNames.map((name) => {
    const cells = [name, ...r.variants.map((v) => fmt(v.metrics[name]))];
    if (cand?.vsBaseline) {
      const d = cand.vsBaseline.difference[name];
      const p = cand.vsBaseline.paired[name];
      cells.push(d === undefined || Number.isNaN(d) ? '-' : `${d >= 0 ? '+' : ''}${d.toFixed(4)}`);
      cells.push(p ? `[${fmt(p.low)}, ${fmt(p.high)}]` : '');
    }
    return cells;
  });
  return formatTable(header, rows);
}

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '-' : v.toFixed(4);
}
