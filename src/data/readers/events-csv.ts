import { basename } from 'node:path';
import type { FeedbackEvent, FeedbackTypes } from '../../core/index.js';
import { parseCsvRecord } from './csv-record.js';
import { badLine, readLines, type ReadProgressListener } from './line-reader.js';
import { parseHeader, type EventColumns } from './events-header.js';
import { parseNumber, parseTimestamp } from './fields.js';

export interface ReadEventsOptions {
  onProgress?: ReadProgressListener | undefined;
  /**
   * Type given to events of a generic file without a `type` column (or with an empty cell);
   * default `like`, a positive type in the default configuration: a bare user–item pair is
   * read as implicit positive feedback.
   */
  defaultType?: string | undefined;
  /** Timestamp (ms) of events of a generic file without a `timestamp` column. */
  defaultTimestamp?: number | undefined;
  /** Unit of numeric timestamps in a generic file; ISO-8601 strings are always accepted. */
  timestampUnit?: 'ms' | 's' | undefined;
  /** Prefix of derived event ids; defaults to the file's base name. */
  idPrefix?: string | undefined;
  /** Stop after this many events (previews, quick tests). */
  limit?: number | undefined;
}

/**
 * The feedback types a MovieLens ratings file needs: a rating of 4 stars or more is a positive
 * interaction of weight 1, anything lower a negative one (see docs/adr/0002-time-split.md).
 */
export const MOVIELENS_FEEDBACK_TYPES: FeedbackTypes = {
  rating: { role: 'positive', weight: 1, minValue: 4 },
};

/**
 * Reads feedback events from a CSV or TSV file with a header line (the delimiter is a tab when
 * the header holds one, else a comma). Two layouts are recognised:
 *
 * - MovieLens `userId,movieId,rating,timestamp` (timestamps in seconds): type `rating`.
 * - generic: columns named `user`, `item` and optionally `type`, `value`, `timestamp`, `id`, in
 *   any order; numeric timestamps in ms (or s, see options) or ISO-8601 (UTC when no offset).
 *   An empty optional cell means "not given".
 *
 * Event ids come from the `id` column, or else are `<file name>:<line>`, so reading the same
 * file again yields the same ids and ingesting it twice stores nothing new. The first bad line
 * stops the read with INPUT_FILE_INVALID, details `{ file, line, reason }`.
 */
export async function readEventsCsv(path: string, options: ReadEventsOptions = {}): Promise<FeedbackEvent[]> {
  const idPrefix = options.idPrefix ?? basename(path);
  const limit = options.limit ?? Infinity;
  const events: FeedbackEvent[] = [];
  let columns: EventColumns | null = null;
  let lineNo = 0;
  // A quoted field may span lines: `pending` holds the record so far, from line `pendingStart`.
  let pending = '';
  let pendingStart = 0;
  for await (const line of readLines(path, options.onProgress)) {
    lineNo++;
    if (pending === '' && line.trim() === '') continue;
    const text = pending === '' ? line : `${pending}\n${line}`;
    const start = pending === '' ? lineNo : pendingStart;
    if (columns === null) {
      columns = parseHeader(line, path, lineNo);
      continue;
    }
    const record = parseCsvRecord(text, columns.delimiter);
    if (record.kind === 'incomplete') {
      pending = text;
      pendingStart = start;
      continue;
    }
    pending = '';
    if (record.kind === 'error') throw badLine(path, start, record.reason);
    events.push(toEvent(record.fields, columns, `${idPrefix}:${start}`, path, start, options));
    if (events.length >= limit) break;
  }
  if (pending !== '') throw badLine(path, pendingStart, 'a quoted field is never closed');
  if (columns === null) throw badLine(path, 1, 'the file is empty (a header line is required)');
  return events;
}

function toEvent(
  fields: string[],
  columns: EventColumns,
  derivedId: string,
  file: string,
  line: number,
  options: ReadEventsOptions,
): FeedbackEvent {
  if (fields.length !== columns.count) {
    throw badLine(file, line, `expected ${columns.count} fields, found ${fields.length}`);
  }
  const user = cell(fields, columns.user);
  const item = cell(fields, columns.item);
  if (user === '') throw badLine(file, line, 'the user field is empty');
  if (item === '') throw badLine(file, line, 'the item field is empty');

  const rawValue = cell(fields, columns.value);
  const value = rawValue === '' ? null : parseNumber(rawValue);
  if (Number.isNaN(value)) throw badLine(file, line, `value ${JSON.stringify(rawValue)} is not a number`);

  const rawTime = cell(fields, columns.timestamp);
  let timestamp = options.defaultTimestamp ?? 0;
  if (rawTime !== '') {
    const unit = columns.layout === 'movielens' ? 's' : (options.timestampUnit ?? 'ms');
    timestamp = parseTimestamp(rawTime, unit, columns.layout === 'generic');
    if (Number.isNaN(timestamp)) {
      const expected = columns.layout === 'movielens' ? 'seconds since the epoch' : `a number (${unit}) or an ISO-8601 time`;
      throw badLine(file, line, `timestamp ${JSON.stringify(rawTime)} is not ${expected}`);
    }
  }
  if (columns.layout === 'movielens') {
    if (value === null) throw badLine(file, line, 'the rating field is empty');
    if (rawTime === '') throw badLine(file, line, 'the timestamp field is empty');
  }

  const type = columns.layout === 'movielens' ? 'rating' : cell(fields, columns.type) || (options.defaultType ?? 'like');
  const id = cell(fields, columns.id) || derivedId;
  return { id, user, item, type, value, timestamp, context: null };
}

/** The text of column i, or '' for an absent column (i = -1). */
function cell(fields: string[], i: number): string {
  return i < 0 ? '' : fields[i]!;
}
