import { roleOf, weightOf, type FeedbackEvent, type FeedbackTypes } from '../core/index.js';

/** What the serving pipeline knows about a user, built from their recent events. */
export interface UserHistory {
  /** Positive interaction strength per item, most recently touched first. */
  positives: Map<string, number>;
  /** Items whose latest signal is negative (disliked): never recommended. */
  negatives: Set<string>;
  /** Every item the user interacted with in any way. */
  seen: Set<string>;
  /** Time of the newest event (ms), or null for a user without events. */
  lastEventAt: number | null;
}

/**
 * Folds a user's events into a history. For each item, the newest positive and the newest
 * negative signal are compared exactly as the training snapshot does (SnapshotBuilder): the item
 * is disliked when its newest negative is later than its newest positive (a tie keeps it
 * positive), so a dislike after a like wins and a like after a dislike restores the item.
 * Positives keep the order of first appearance in the input (newest first from storage).
 */
export function buildHistory(eventsNewestFirst: readonly FeedbackEvent[], types: FeedbackTypes): UserHistory {
  const seen = new Set<string>();
  const cells = new Map<string, { weight: number; lastPositive: number; lastNegative: number }>();
  for (const e of eventsNewestFirst) {
    seen.add(e.item);
    const role = roleOf(e, types);
    if (role !== 'positive' && role !== 'negative') continue;
    let cell = cells.get(e.item);
    if (!cell) cells.set(e.item, (cell = { weight: 0, lastPositive: -Infinity, lastNegative: -Infinity }));
    if (role === 'positive') {
      cell.weight += weightOf(e, types);
      cell.lastPositive = Math.max(cell.lastPositive, e.timestamp);
    } else {
      cell.lastNegative = Math.max(cell.lastNegative, e.timestamp);
    }
  }
  const positives = new Map<string, number>();
  const negatives = new Set<string>();
  for (const [item, cell] of cells) {
    if (cell.lastNegative > cell.lastPositive) negatives.add(item);
    else if (cell.weight > 0) positives.set(item, cell.weight);
  }
  let lastEventAt: number | null = null;
  for (const e of eventsNewestFirst) if (lastEventAt === null || e.timestamp > lastEventAt) lastEventAt = e.timestamp;
  return { positives, negatives, seen, lastEventAt };
}
