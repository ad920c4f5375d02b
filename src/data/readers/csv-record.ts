/**
 * One CSV/TSV record (RFC 4180 quoting): fields may be wrapped in double quotes, which lets them
 * hold the delimiter, newlines and `""` (an escaped quote). Unquoted fields are trimmed, so a
 * hand-written `user, item` works; a quote inside an unquoted field is kept as a literal, since
 * that reading is unambiguous.
 */
export type CsvRecord =
  | { kind: 'fields'; fields: string[] }
  /** The text ends inside a quoted field: append the next physical line and parse again. */
  | { kind: 'incomplete' }
  | { kind: 'error'; reason: string };

export function parseCsvRecord(text: string, delimiter: string): CsvRecord {
  // Most event files never quote; splitting is several times faster than the scanner below.
  if (!text.includes('"')) return { kind: 'fields', fields: text.split(delimiter).map((f) => f.trim()) };

  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    // Skip spaces before a field so that `a, "b"` still sees a quoted field.
    let start = pos;
    while (text[start] === ' ' && delimiter !== ' ') start++;
    if (text[start] === '"') {
      let value = '';
      let i = start + 1;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) return { kind: 'incomplete' };
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      while (text[i] === ' ' && delimiter !== ' ') i++;
      fields.push(value);
      if (i === text.length) return { kind: 'fields', fields };
      if (text[i] !== delimiter) {
        return { kind: 'error', reason: `unexpected ${JSON.stringify(text[i])} after a closing quote (field ${fields.length})` };
      }
      pos = i + 1;
    } else {
      const end = text.indexOf(delimiter, pos);
      if (end < 0) {
        fields.push(text.slice(pos).trim());
        return { kind: 'fields', fields };
      }
      fields.push(text.slice(pos, end).trim());
      pos = end + 1;
    }
  }
}
