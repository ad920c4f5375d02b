import { MagpieError } from '../../core/index.js';
import type { FeedbackEvent, Item, User } from '../../core/index.js';
import type { EventQuery } from '../../ports/index.js';
import { compareIds } from './id-order.js';

/** The user insertEvents creates (with createMissing) for an id it has not seen. */
export function bareUser(id: string, now: number): User {
  return { id, attributes: {}, createdAt: now };
}

/** The item insertEvents creates (with createMissing): titled by its id until the catalogue says more. */
export function bareItem(id: string, now: number): Item {
  return {
    id,
    kind: 'item',
    title: id,
    text: '',
    categories: [],
    tags: [],
    numeric: {},
    embedding: null,
    createdAt: now,
    hidden: false,
  };
}

/**
 * Embeddings are stored as float32 (half the bytes of float64, and the precision every scorer
 * uses). Every adapter rounds the same way so a value reads back identically from any backend.
 */
export function toFloat32Embedding(embedding: readonly number[] | null): number[] | null {
  return embedding === null ? null : Array.from(Float32Array.from(embedding));
}

/** Distinct values in first-seen order. */
export function distinctInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** History order: newest timestamp first, ties broken by id, higher id first. */
export function compareEventsNewestFirst(a: FeedbackEvent, b: FeedbackEvent): number {
  return b.timestamp - a.timestamp || compareIds(b.id, a.id);
}

/** Whether an event lies past the page boundary that `q.before` / `q.beforeId` describe. */
export function isBeforeBoundary(event: FeedbackEvent, q: EventQuery): boolean {
  if (q.before === undefined) return true;
  if (event.timestamp < q.before) return true;
  return q.beforeId !== undefined && event.timestamp === q.before && compareIds(event.id, q.beforeId) < 0;
}

/**
 * The error for events naming users or items that are not stored when createMissing is off.
 * Unknown users are reported first; details list every unknown id of both kinds.
 */
export function unknownReferencesError(users: string[], items: string[]): MagpieError {
  if (users.length > 0) {
    return new MagpieError('UNKNOWN_USER', `events name unknown users: ${preview(users)}`, { users, items });
  }
  return new MagpieError('UNKNOWN_ITEM', `events name unknown items: ${preview(items)}`, { users, items });
}

function preview(ids: string[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

/** Oldest first (timestamp, then id): the order in-memory histories are kept in. */
export function compareEventsOldestFirst(a: FeedbackEvent, b: FeedbackEvent): number {
  return a.timestamp - b.timestamp || compareIds(a.id, b.id);
}

/** What a store does when called after its close(): a caller bug, reported as a storage failure. */
export function storeClosedError(store: string): MagpieError {
  return new MagpieError('STORAGE_FAILED', `${store} is closed`);
}
