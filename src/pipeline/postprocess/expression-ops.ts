import type { ItemAttributes } from '../candidate.js';
import type { CompareOp } from './expression-parser.js';

/** A compiled expression: true when the item (its attributes, the time `now` in ms, its id) matches. */
export type ItemPredicate = (attrs: ItemAttributes, now: number, id: string) => boolean;

/** Reads one value of an item. Numbers read NaN when the item lacks the attribute. */
export type Getter<T> = (a: ItemAttributes, now: number, id: string) => T;

// The closures compiled expressions are made of. A missing number is NaN, and every comparison
// with NaN is false in JavaScript except !=, which is written out to be false too.

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO date or date-time in ms; a time without a zone is UTC (never the server's zone). */
export function parseIsoDate(s: string): number {
  const m = ISO_DATE.exec(s);
  if (!m) return NaN;
  // Date.parse rolls 2024-02-31 over into March: the calendar date must survive a round trip.
  const day = Date.parse(m[1]!);
  if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== m[1]) return NaN;
  return m[2] === undefined ? day : Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
}

export function numberCompare(op: CompareOp, l: Getter<number>, r: Getter<number>): ItemPredicate {
  switch (op) {
    case '=':
      return (a, now, id) => l(a, now, id) === r(a, now, id);
    case '!=':
      return (a, now, id) => {
        const x = l(a, now, id);
        const y = r(a, now, id);
        return x === x && y === y && x !== y;
      };
    case '<':
      return (a, now, id) => l(a, now, id) < r(a, now, id);
    case '<=':
      return (a, now, id) => l(a, now, id) <= r(a, now, id);
    case '>':
      return (a, now, id) => l(a, now, id) > r(a, now, id);
    case '>=':
      return (a, now, id) => l(a, now, id) >= r(a, now, id);
  }
}

export function listHas(list: Getter<readonly string[]>, value: Getter<string>): ItemPredicate {
  return (a, now, id) => list(a, now, id).includes(value(a, now, id));
}

export function inSet(value: Getter<string>, set: ReadonlySet<string>): ItemPredicate {
  return (a, now, id) => set.has(value(a, now, id));
}

export function overlaps(list: Getter<readonly string[]>, set: ReadonlySet<string>): ItemPredicate {
  return (a, now, id) => {
    const have = list(a, now, id);
    for (let i = 0; i < have.length; i++) if (set.has(have[i]!)) return true;
    return false;
  };
}
