import { IdIndex, MagpieError, Rng, roleOf, type FeedbackEvent, type FeedbackTypes } from '../core/index.js';
import { csrFromTriples, row, type Csr } from '../math/index.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { testSetFromRows, type Split } from './test-set.js';
import type { TrainingData } from './training-data.js';

export interface TimeSplitOptions {
  /** Share of the (typed) events at or after the cutoff, in (0, 1). */
  testFraction: number;
  types: FeedbackTypes;
}

export interface TimeSplit extends Split {
  /** Events at or after this time (ms) were held out; it is also `train.now`. */
  cutoff: number;
}

/**
 * A global time split (docs/adr/0002-time-split.md): one cutoff at the (1 − testFraction)
 * quantile of event times, so the model is trained on the past and asked about the future,
 * as in production. Events whose type is not configured are ignored throughout.
 *
 * - train: events strictly before the cutoff, folded by SnapshotBuilder (`now` = cutoff).
 * - catalogue: every item of a configured event, before or after the cutoff; an item that
 *   first appears later stays rankable and cannot be hit by a purely collaborative model.
 * - test: for users with at least one training interaction, the items whose post-cutoff
 *   signal is positive (latest positive later than latest negative, as SnapshotBuilder
 *   decides) and that are not already in the user's training row, which the protocol excludes
 *   from ranking anyway.
 */
export function timeSplit(events: readonly FeedbackEvent[], options: TimeSplitOptions): TimeSplit {
  const { testFraction, types } = options;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new MagpieError('VALIDATION_FAILED', `testFraction must lie in (0, 1), got ${testFraction}`);
  }
  const typed = events.filter((e) => roleOf(e, types) !== null);
  if (typed.length === 0) {
    throw new MagpieError('VALIDATION_FAILED', 'no event has a configured feedback type, so there is nothing to split');
  }
  const cutoff = quantileTime(typed, 1 - testFraction);

  const builder = new SnapshotBuilder(types);
  for (const e of typed) if (e.timestamp < cutoff) builder.add(e);
  // After the training events, so training items keep the lower indices.
  for (const e of typed) builder.addItem(e.item);
  const train = builder.build(cutoff);

  const latest = new Map<number, Map<number, { positive: number; negative: number }>>();
  for (const e of typed) {
    if (e.timestamp < cutoff) continue;
    const role = roleOf(e, types);
    if (role === 'seen') continue;
    const u = train.users.indexOf(e.user);
    if (u < 0 || rowLength(train.interactions, u) === 0) continue;
    const i = train.items.indexOf(e.item);
    let userCells = latest.get(u);
    if (!userCells) latest.set(u, (userCells = new Map()));
    let cell = userCells.get(i);
    if (!cell) userCells.set(i, (cell = { positive: -Infinity, negative: -Infinity }));
    if (role === 'positive') cell.positive = Math.max(cell.positive, e.timestamp);
    else cell.negative = Math.max(cell.negative, e.timestamp);
  }
  const rows = new Map<number, number[]>();
  for (const [u, userCells] of latest) {
    const trainRow = row(train.interactions, u).indices;
    const items: number[] = [];
    for (const [i, cell] of userCells) {
      if (cell.positive > cell.negative && !sortedIncludes(trainRow, i)) items.push(i);
    }
    if (items.length > 0) rows.set(u, items);
  }
  return { train, test: testSetFromRows(rows), cutoff };
}

export interface HoldoutSplitOptions {
  /** Share of each user's items held out, rounded to the nearest count; in [0, 1). */
  fraction: number;
  seed: number;
}

/**
 * A per-user random carve-out of item lists (the way the gowalla tune-train/tune-test files
 * were made): each user keeps round(fraction × n) of their n distinct items for testing, but
 * always at least one for training. A user's carve-out depends only on the seed, their id and
 * their own list, not on the other users or their order, so adding a user does not reshuffle
 * everyone else. Users and items are indexed in input order, before any carving, so the
 * catalogue (all items) does not depend on the seed.
 */
export function holdoutSplit(
  lists: Iterable<readonly [string, Iterable<string>]>,
  options: HoldoutSplitOptions,
): Split {
  const { fraction, seed } = options;
  if (!(fraction >= 0 && fraction < 1)) {
    throw new MagpieError('VALIDATION_FAILED', `fraction must lie in [0, 1), got ${fraction}`);
  }
  const users = new IdIndex();
  const items = new IdIndex();
  const userItems: Set<number>[] = [];
  for (const [user, list] of lists) {
    const u = users.add(user);
    const set = (userItems[u] ??= new Set());
    for (const item of list) set.add(items.add(item));
  }

  const r: number[] = [];
  const c: number[] = [];
  const testRows = new Map<number, number[]>();
  for (let u = 0; u < users.size; u++) {
    const own = Int32Array.from(userItems[u] ?? []);
    new Rng(seed ^ hashString(users.idAt(u))).shuffle(own);
    const nTest = Math.max(0, Math.min(Math.round(fraction * own.length), own.length - 1));
    if (nTest > 0) testRows.set(u, Array.from(own.subarray(0, nTest)));
    for (const i of own.subarray(nTest)) {
      r.push(u);
      c.push(i);
    }
  }
  const interactions = csrFromTriples(users.size, items.size, r, c, new Float32Array(r.length).fill(1));
  const train: TrainingData = { users, items, interactions, lastSeen: null, now: 0 };
  return { train, test: testSetFromRows(testRows) };
}

/** The event time at quantile q (nearest rank from below). */
function quantileTime(events: readonly FeedbackEvent[], q: number): number {
  const times = Float64Array.from(events, (e) => e.timestamp).sort();
  const at = Math.min(times.length - 1, Math.max(0, Math.floor(q * times.length)));
  return times[at]!;
}

function rowLength(m: Csr, u: number): number {
  return m.indptr[u + 1]! - m.indptr[u]!;
}

function sortedIncludes(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === x;
}

/** FNV-1a: a stable 32-bit hash of an id, to give each user their own random stream. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h >>> 0;
}
