import type { FeedbackEvent } from '../../core/index.js';
import type { EventQuery } from '../../ports/index.js';
import { compareEventsOldestFirst, isBeforeBoundary } from '../shared/index.js';

/**
 * Stored events, indexed by id (idempotency), by user and by item. Each per-user and per-item
 * list is kept sorted oldest first; feedback mostly arrives in time order, so an insertion is
 * usually an append, and a newest-first page is read backwards from a binary-searched boundary.
 */
export class MemoryEventIndex {
  private readonly byId = new Map<string, FeedbackEvent>();
  private readonly byUser = new Map<string, FeedbackEvent[]>();
  private readonly byItem = new Map<string, FeedbackEvent[]>();

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds an event the caller owns (already copied); the caller checked its id is new. */
  add(event: FeedbackEvent): void {
    this.byId.set(event.id, event);
    insertSorted(listOf(this.byUser, event.user), event);
    insertSorted(listOf(this.byItem, event.item), event);
  }

  userHistory(user: string, q: EventQuery): FeedbackEvent[] {
    return newestFirstPage(this.byUser.get(user) ?? [], q);
  }

  itemHistory(item: string, q: EventQuery): FeedbackEvent[] {
    return newestFirstPage(this.byItem.get(item) ?? [], q);
  }

  deleteUserEvents(user: string): void {
    const events = this.byUser.get(user) ?? [];
    this.byUser.delete(user);
    this.forget(events, this.byItem, (e) => e.item);
  }

  deleteItemEvents(item: string): void {
    const events = this.byItem.get(item) ?? [];
    this.byItem.delete(item);
    this.forget(events, this.byUser, (e) => e.user);
  }

  /** Live iteration in insertion order; a Map iterator tolerates changes made between batches. */
  values(): IterableIterator<FeedbackEvent> {
    return this.byId.values();
  }

  /** Drops events from the id index and from the other side's lists. */
  private forget(
    events: FeedbackEvent[],
    otherSide: Map<string, FeedbackEvent[]>,
    keyOf: (e: FeedbackEvent) => string,
  ): void {
    const gone = new Set<FeedbackEvent>(events);
    const touched = new Set<string>();
    for (const event of events) {
      this.byId.delete(event.id);
      touched.add(keyOf(event));
    }
    for (const key of touched) {
      const kept = (otherSide.get(key) ?? []).filter((e) => !gone.has(e));
      if (kept.length > 0) otherSide.set(key, kept);
      else otherSide.delete(key);
    }
  }
}

function listOf(map: Map<string, FeedbackEvent[]>, key: string): FeedbackEvent[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

function insertSorted(list: FeedbackEvent[], event: FeedbackEvent): void {
  const last = list[list.length - 1];
  if (last === undefined || compareEventsOldestFirst(last, event) <= 0) {
    list.push(event);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEventsOldestFirst(list[mid] as FeedbackEvent, event) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, event);
}

/** Up to q.limit events before the boundary, newest first, from a list sorted oldest first. */
function newestFirstPage(list: readonly FeedbackEvent[], q: EventQuery): FeedbackEvent[] {
  // Events before the boundary form a prefix of the oldest-first list; find where it ends.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBeforeBoundary(list[mid] as FeedbackEvent, q)) lo = mid + 1;
    else hi = mid;
  }
  const page: FeedbackEvent[] = [];
  for (let i = lo - 1; i >= 0 && page.length < q.limit; i--) page.push(structuredClone(list[i] as FeedbackEvent));
  return page;
}
