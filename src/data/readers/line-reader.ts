import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { MagpieError } from '../../core/index.js';

/** How far a reader has got through one file; bytes are approximate (read-ahead). */
export interface ReadProgress {
  file: string;
  lines: number;
  bytes: number;
  totalBytes: number;
}

export type ReadProgressListener = (p: ReadProgress) => void;

/** Progress is reported every this many lines (and once at the end): cheap, yet smooth. */
const PROGRESS_EVERY_LINES = 1 << 14;

/**
 * Streams a text file line by line (LF or CRLF), without holding it in memory. The file is
 * stat-ed first so a missing or unreadable file fails with INPUT_FILE_INVALID rather than a
 * bare ENOENT, and so progress can report a total.
 */
export async function* readLines(path: string, onProgress?: ReadProgressListener): AsyncGenerator<string> {
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    totalBytes = info.size;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MagpieError('INPUT_FILE_INVALID', `cannot read ${path}: ${reason}`, { file: path, reason }, { cause: err });
  }
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let count = 0;
  const report = (): void => onProgress?.({ file: path, lines: count, bytes: stream.bytesRead, totalBytes });
  try {
    for await (const line of lines) {
      count++;
      if (onProgress && (count & (PROGRESS_EVERY_LINES - 1)) === 0) report();
      yield line;
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MagpieError('INPUT_FILE_INVALID', `cannot read ${path}: ${reason}`, { file: path, line: count + 1, reason }, { cause: err });
  } finally {
    // Reached on early exit too (a caller's `limit`, or an error thrown by the caller), so a
    // progress display always sees the final count.
    report();
    lines.close();
    stream.destroy();
  }
}

/** The error every reader throws for a line it cannot make sense of. */
export function badLine(file: string, line: number, reason: string): MagpieError {
  return new MagpieError('INPUT_FILE_INVALID', `${file}:${line}: ${reason}`, { file, line, reason });
}
