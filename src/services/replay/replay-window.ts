import { Rng, roleOf, type IdIndex, type FeedbackEvent, type FeedbackTypes, type Item, type User } from '../../core/index.js';
import { buildHistory } from '../../pipeline/index.js';
import type { DataStore } from '../../ports/index.js';

/**
 * What a replay reads from the store, cut at `from`: the state the pipeline would have served
 * from (catalogue, profiles, events before `from`) and the positive feedback inside the window.
 */
export interface ReplayData {
  /**
   * The catalogue as of `from`: items created before it, plus items that already had events
   * before it (items created on the fly by an import carry the import's time, not the events').
   */
  items: Item[];
  /** Profiles of the users with events before `to` (onboarding preferences carry no time). */
  users: User[];
  /** Every event before `from`: the training and serving state. */
  before: FeedbackEvent[];
  /** Positive events in [from, to). */
  windowPositives: FeedbackEvent[];
  /** All events in [from, to), whatever their role. */
  windowEvents: number;
}

const SCAN_BATCH = 10_000;
const USER_PAGE = 1_000;

export async function readReplayData(store: DataStore, types: FeedbackTypes, from: number, to: number): Promise<ReplayData> {
  const before: FeedbackEvent[] = [];
  const windowPositives: FeedbackEvent[] = [];
  let windowEvents = 0;
  const itemsWithHistory = new Set<string>();
  const userIds = new Set<string>();
  for await (const batch of store.scanEvents(SCAN_BATCH)) {
    for (const e of batch) {
      if (e.timestamp < from) {
        before.push(e);
        itemsWithHistory.add(e.item);
        userIds.add(e.user);
      } else if (e.timestamp < to) {
        windowEvents++;
        userIds.add(e.user);
        if (roleOf(e, types) === 'positive') windowPositives.push(e);
      }
    }
  }
  before.sort((a, b) => a.timestamp - b.timestamp);
  const items: Item[] = [];
  for await (const batch of store.scanItems(SCAN_BATCH)) {
    for (const item of batch) if (item.createdAt < from || itemsWithHistory.has(item.id)) items.push(item);
  }
  const users: User[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listUsers({ limit: USER_PAGE, cursor });
    for (const u of page.items) if (userIds.has(u.id)) users.push(u);
    cursor = page.next;
  } while (cursor !== null);
  return { items, users, before, windowPositives, windowEvents };
}

/** The users a replay scores and, for each, the window items that count as hits. */
export interface ReplayTargets {
  /** User → relevant items (ids), users sorted by id. */
  relevant: Map<string, Set<string>>;
  /** Users with at least one positive event in the window. */
  windowUsers: number;
  /** Users with at least one relevant item (before the --users sample). */
  eligibleUsers: number;
  /** Of the users scored, those with no event before `from` (served cold-start lists). */
  coldUsers: number;
  /** Window user–item pairs left out: the item did not exist (or was hidden) at `from`. */
  droppedUnknownItems: number;
  /** Window user–item pairs left out: the user had already interacted with (or disliked) the item. */
  droppedKnownItems: number;
}

export interface TargetOptions {
  excludeSeen: boolean;
  /** Score at most this many users, drawn with `seed` (all when absent). */
  sample?: number | undefined;
  seed: number;
}

/**
 * Relevant items per user: the items of their positive window events that the pipeline could
 * have proposed at `from`. An item not yet in the catalogue, hidden, disliked before, or (when
 * serving.excludeSeen is on) already seen before `from` is out of any list by construction, so
 * counting it would only scale every configuration's recall down alike.
 */
export function replayTargets(data: ReplayData, catalogue: IdIndex, types: FeedbackTypes, opts: TargetOptions): ReplayTargets {
  const history = new Map<string, FeedbackEvent[]>();
  for (const e of data.before) {
    let list = history.get(e.user);
    if (!list) history.set(e.user, (list = []));
    list.push(e);
  }
  const windowItems = new Map<string, Set<string>>();
  for (const e of data.windowPositives) {
    let set = windowItems.get(e.user);
    if (!set) windowItems.set(e.user, (set = new Set()));
    set.add(e.item);
  }
  const relevant: [string, Set<string>][] = [];
  let droppedUnknownItems = 0;
  let droppedKnownItems = 0;
  for (const [user, items] of windowItems) {
    // buildHistory wants newest first; `before` is oldest first.
    const h = buildHistory([...(history.get(user) ?? [])].reverse(), types);
    const kept = new Set<string>();
    for (const item of items) {
      if (catalogue.indexOf(item) < 0) droppedUnknownItems++;
      else if (h.negatives.has(item) || (opts.excludeSeen && h.seen.has(item))) droppedKnownItems++;
      else kept.add(item);
    }
    if (kept.size > 0) relevant.push([user, kept]);
  }
  relevant.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const eligibleUsers = relevant.length;
  let scored = relevant;
  if (opts.sample !== undefined && opts.sample < relevant.length) {
    scored = new Rng(opts.seed).shuffle([...relevant]).slice(0, opts.sample);
    scored.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
  let coldUsers = 0;
  for (const [user] of scored) if (!history.has(user)) coldUsers++;
  return { relevant: new Map(scored), windowUsers: windowItems.size, eligibleUsers, coldUsers, droppedUnknownItems, droppedKnownItems };
}
