import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { MagpieError } from '../../core/index.js';
import type { RecommendedItem } from '../../pipeline/index.js';
import { storageOverrides, type EngineFactory, type StorageOptions } from '../engine-port.js';
import { parseIntOption, say } from '../output.js';
import { progressReporter } from '../progress.js';

interface ExportOptions extends StorageOptions {
  surface: string;
  out: string;
  format: string;
  n: number;
}

const PAGE = 1000;

export function exportCommand(program: Command, createEngine: EngineFactory): void {
  program
    .command('export')
    .description("Write every user's list from a surface (email by default) to JSONL or CSV, with progress: the batch side of serving.")
    .requiredOption('--out <file>', 'where to write')
    .option('--surface <name>', 'a user-anchored surface', 'email')
    .option('--format <format>', 'jsonl: {"user","requestId","items":[…]} per line; csv: user,rank,item,score,source,reason', 'jsonl')
    .option('--n <n>', 'items per user', parseIntOption, 10)
    .option('--config <file>', 'JSON configuration file (default: ./magpie.config.json if present)')
    .option('--db <path>', 'SQLite file to use (shortcut for --storage sqlite:<path>)')
    .option('--storage <url>', 'storage URL: sqlite:<path>, sqlite::memory:, memory: or postgres://user@host:5432/db[?schema=name]')
    .action(async (o: ExportOptions) => {
      if (o.format !== 'jsonl' && o.format !== 'csv') throw new MagpieError('VALIDATION_FAILED', `--format must be jsonl or csv, got "${o.format}"`);
      const engine = await createEngine({ ...storageOverrides(o), training: { intervalMinutes: 0 } }, {}, o.config);
      const progress = progressReporter();
      const out = createWriteStream(o.out);
      try {
        const total = (await engine.status()).counts.users;
        if (o.format === 'csv') await write(out, 'user,rank,item,score,source,reason\n');
        let done = 0;
        let cursor: string | null | undefined;
        do {
          const page = await engine.records.listUsers(PAGE, cursor ?? undefined);
          for (const user of page.items) {
            const list = await engine.recommend.recommend(user.id, { surface: o.surface, n: o.n });
            await write(out, o.format === 'csv' ? csvLines(user.id, list.items) : `${JSON.stringify({ user: user.id, requestId: list.requestId, items: list.items })}\n`);
            progress.update(`export ${o.surface}`, ++done, total);
          }
          cursor = page.next;
        } while (cursor);
        progress.stop();
        say(`wrote ${done} users' lists from surface ${o.surface} to ${o.out}`);
      } finally {
        out.end();
        await once(out, 'close');
        await engine.close();
      }
    });
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

function csvLines(user: string, items: RecommendedItem[]): string {
  return items.map((it, r) => [user, String(r + 1), it.id, String(it.score), it.source, it.reason].map(csvField).join(',') + '\n').join('');
}

/** RFC 4180: quote fields holding a comma, quote or line break; double the quotes. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
