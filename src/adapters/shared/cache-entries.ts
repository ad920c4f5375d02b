import { MagpieError } from '../../core/index.js';
import type { CounterDeltas, RecentEntry, RecentPush } from '../../ports/index.js';
import { requirePositiveInteger } from './limits.js';

// What every CacheStore adapter shares, so the in-memory one mirrors Redis exactly: the encoding
// of a recent-history entry (a sorted-set member in Redis, whose byte order breaks timestamp
// ties), input checks, and grouping a batch by user.

/** A recent entry as one string: it identifies the entry, so pushing it again keeps one copy. */
export function encodeRecentMember(entry: RecentEntry): string {
  return JSON.stringify([entry.item, entry.type, entry.timestamp]);
}

export function decodeRecentMember(member: string): RecentEntry {
  const [item, type, timestamp] = JSON.parse(member) as [string, string, number];
  return { item, type, timestamp };
}

/** Checks a batch of recent entries and groups it by user, in first-seen order. */
export function groupRecentByUser(entries: readonly RecentPush[], cap: number): Map<string, RecentEntry[]> {
  requirePositiveInteger('cap', cap);
  const byUser = new Map<string, RecentEntry[]>();
  for (const { user, item, type, timestamp } of entries) {
    if (!Number.isFinite(timestamp)) {
      throw new MagpieError('VALIDATION_FAILED', `recent entry timestamps must be finite numbers, got ${String(timestamp)}`, {
        user,
        item,
      });
    }
    let list = byUser.get(user);
    if (list === undefined) byUser.set(user, (list = []));
    list.push({ item, type, timestamp });
  }
  return byUser;
}

/** The non-zero deltas as pairs, each checked to be a finite number. */
export function counterDeltaPairs(deltas: CounterDeltas): [string, number][] {
  const pairs = deltas instanceof Map ? [...(deltas as ReadonlyMap<string, number>)] : Object.entries(deltas);
  for (const [key, delta] of pairs) {
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw new MagpieError('VALIDATION_FAILED', `counter deltas must be finite numbers, got ${String(delta)} for ${key}`, {
        key,
      });
    }
  }
  return pairs.filter(([, delta]) => delta !== 0);
}

/** Cache TTLs are whole positive milliseconds (Redis PX takes nothing else). */
export function requireTtl(ttlMs: number): void {
  requirePositiveInteger('ttlMs', ttlMs);
}
