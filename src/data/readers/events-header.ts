import { parseCsvRecord } from './csv-record.js';
import { badLine } from './line-reader.js';

/** Where each field of an events file sits (-1: column absent). */
export interface EventColumns {
  layout: 'movielens' | 'generic';
  delimiter: string;
  count: number;
  id: number;
  user: number;
  item: number;
  type: number;
  value: number;
  timestamp: number;
}

type Field = 'id' | 'user' | 'item' | 'type' | 'value' | 'timestamp';

/** Header names a generic file may use, lower-cased; a few common spellings of user and item. */
const GENERIC_NAMES: Record<string, Field> = {
  id: 'id',
  user: 'user',
  user_id: 'user',
  userid: 'user',
  item: 'item',
  item_id: 'item',
  itemid: 'item',
  type: 'type',
  value: 'value',
  timestamp: 'timestamp',
};

const MOVIELENS_HEADER = ['userid', 'movieid', 'rating', 'timestamp'];

/**
 * Recognises the header line. Unknown column names are an error rather than ignored: a typo
 * such as `timestmp` would otherwise silently give every event the default timestamp.
 */
export function parseHeader(line: string, file: string, lineNo: number): EventColumns {
  // Spreadsheet exports often start with a byte-order mark, which would stick to the first name.
  const text = line.startsWith('\uFEFF') ? line.slice(1) : line;
  const delimiter = text.includes('\t') ? '\t' : ',';
  const record = parseCsvRecord(text, delimiter);
  if (record.kind !== 'fields') throw badLine(file, lineNo, 'the header line is not valid CSV');
  const names = record.fields.map((f) => f.trim().toLowerCase());

  if (names.length === MOVIELENS_HEADER.length && names.every((n, i) => n === MOVIELENS_HEADER[i])) {
    return { layout: 'movielens', delimiter, count: 4, id: -1, user: 0, item: 1, value: 2, timestamp: 3, type: -1 };
  }

  const columns: EventColumns = {
    layout: 'generic',
    delimiter,
    count: names.length,
    id: -1,
    user: -1,
    item: -1,
    type: -1,
    value: -1,
    timestamp: -1,
  };
  for (const [i, name] of names.entries()) {
    const field = GENERIC_NAMES[name];
    if (field === undefined) {
      throw badLine(file, lineNo, `unknown column ${JSON.stringify(name)} in the header; expected ` +
        `"userId,movieId,rating,timestamp" (MovieLens) or columns user, item and optionally type, value, timestamp, id`);
    }
    if (columns[field] !== -1) throw badLine(file, lineNo, `column ${JSON.stringify(field)} appears twice in the header`);
    columns[field] = i;
  }
  if (columns.user < 0 || columns.item < 0) {
    throw badLine(file, lineNo, 'the header must name a user and an item column (e.g. "user,item,type,value,timestamp")');
  }
  return columns;
}
