import type { Command } from 'commander';
import type { z } from 'zod';
import { MagpieError } from '../../core/index.js';
import { readEventsCsv, readLines } from '../../data/index.js';
import { storageOverrides, type CliEngine, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { say } from '../output.js';
import { progressReporter, type ProgressReporter } from '../progress.js';

interface ImportOptions extends StorageOptions {
  users?: string;
  items?: string;
  events?: string;
}

export function importCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('import')
    .description('Load users, items and events from files (JSON Lines; events also CSV) through the normal ingest path.')
    .option('--users <file>', 'users, one JSON object per line (the POST /api/users shape)')
    .option('--items <file>', 'items, one JSON object per line (the POST /api/items shape)')
    .option('--events <file>', 'events: JSON Lines (the POST /api/events shape) or CSV with a header (MovieLens ratings.csv or user,item[,type][,value][,timestamp])')
    .option('--config <file>', 'JSON configuration file')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]')
    .action(async (o: ImportOptions) => {
      if (!o.users && !o.items && !o.events) throw new MagpieError('VALIDATION_FAILED', 'give at least one of --users, --items, --events');
      const engine = await createEngine(storageOverrides(o), {}, o.config);
      const progress = progressReporter();
      try {
        // Items and users first, so events find them (and do not create bare ones).
        if (o.items) say(`items: ${await importJsonl(o.items, engine.schemas.itemInput, engine, progress, (b) => engine.records.upsertItems(b))} upserted`);
        if (o.users) say(`users: ${await importJsonl(o.users, engine.schemas.userInput, engine, progress, (b) => engine.records.upsertUsers(b))} upserted`);
        if (o.events) {
          const ingest = async (batch: z.output<typeof engine.schemas.eventInput>[]): Promise<number> =>
            (await engine.ingest.ingest(batch)).accepted;
          const n = /\.(csv|tsv)$/i.test(o.events)
            ? await importCsvEvents(o.events, engine, progress)
            : await importJsonl(o.events, engine.schemas.eventInput, engine, progress, ingest);
          say(`events: ${n} accepted (repeated ids are stored once)`);
        }
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

/** Validates each line with the API's own schema; the first bad line stops the import. */
async function importJsonl<S extends z.ZodType>(
  path: string,
  schema: S,
  engine: CliEngine,
  progress: ProgressReporter,
  write: (batch: z.output<S>[]) => Promise<number>,
): Promise<number> {
  const max = engine.config.ingest.maxBatch;
  let batch: z.output<S>[] = [];
  let written = 0;
  let line = 0;
  for await (const text of readLines(path, (p) => progress.update(path, p.bytes, p.totalBytes))) {
    line++;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new MagpieError('INPUT_FILE_INVALID', `${path}:${line}: not valid JSON (${(err as Error).message})`, { file: path, line });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid';
      throw new MagpieError('INPUT_FILE_INVALID', `${path}:${line}: ${reason}`, { file: path, line, reason });
    }
    batch.push(parsed.data);
    if (batch.length >= max) {
      written += await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) written += await write(batch);
  progress.stop();
  return written;
}

async function importCsvEvents(path: string, engine: CliEngine, progress: ProgressReporter): Promise<number> {
  const events = await readEventsCsv(path, { onProgress: (p) => progress.update(`reading ${path}`, p.bytes, p.totalBytes) });
  const max = engine.config.ingest.maxBatch;
  let accepted = 0;
  for (let i = 0; i < events.length; i += max) {
    accepted += (await engine.ingest.ingest(events.slice(i, i + max))).accepted;
    progress.update('ingesting', Math.min(i + max, events.length), events.length);
  }
  progress.stop();
  return accepted;
}
