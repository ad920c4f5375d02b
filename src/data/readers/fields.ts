/** Plain decimal numbers only: Number() would also accept "0x1f", "Infinity" and " ". */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** ISO-8601 date, or date and time with an optional fraction and zone. */
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The number in a field, or NaN when it is not a plain finite decimal. */
export function parseNumber(text: string): number {
  if (!DECIMAL.test(text)) return NaN;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

/**
 * A timestamp field in ms since the epoch, or NaN. Numbers are read in `unit`; ISO-8601 text
 * (when allowed) without a zone is taken as UTC, because Date.parse would read it in the
 * machine's local zone and the same file would load differently on different machines.
 */
export function parseTimestamp(text: string, unit: 'ms' | 's', allowIso: boolean): number {
  const n = parseNumber(text);
  if (!Number.isNaN(n)) return Math.round(unit === 's' ? n * 1000 : n);
  if (!allowIso) return NaN;
  const m = ISO_8601.exec(text);
  if (!m) return NaN;
  const [, date, time, zone] = m;
  if (date === undefined || !isCalendarDate(date)) return NaN;
  const iso = time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone?.toUpperCase() ?? 'Z'}`;
  return Date.parse(iso);
}

/** Date.parse rolls 2020-02-30 over to March 1st; a data file with such a date is wrong. */
function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}
