import type { ImpressionStore } from '../ports/index.js';

/** A user an item was shown to, summed over the impressions scanned. */
export interface AudienceMember {
  user: string;
  /** Times the item was shown to the user. */
  impressions: number;
  /** Shown items of these that an outcome (click, purchase…) was attributed to. */
  clicks: number;
  /** Best (lowest, 0-based) position it was shown at. */
  bestPosition: number;
  lastShownAt: number;
  surfaces: string[];
}

export interface Audience {
  item: string;
  from: number;
  to: number;
  /** Shown-item rows read from the impression store (all items), at most maxScan. */
  scanned: number;
  /** The scan stopped at maxScan before the end of the window: the counts are partial. */
  truncated: boolean;
  /** Most recently shown first, at most `limit`. */
  users: AudienceMember[];
}

export interface AudienceQuery {
  from: number;
  to: number;
  limit: number;
  /** Stop reading after this many shown-item rows (the store has no index by item). */
  maxScan: number;
}

/**
 * The users an item was recently recommended to, from the impression log. Impression stores
 * keep lists by request, not by item, so this scans the window; `maxScan` bounds the cost.
 */
export async function itemAudience(store: ImpressionStore, item: string, q: AudienceQuery): Promise<Audience> {
  const byUser = new Map<string, AudienceMember & { surfaceSet: Set<string> }>();
  let scanned = 0;
  let truncated = false;
  outer: for await (const batch of store.scanLabelled({ from: q.from, to: q.to, batchSize: 5_000 })) {
    for (const row of batch) {
      if (scanned >= q.maxScan) {
        truncated = true;
        break outer;
      }
      scanned++;
      if (row.item !== item) continue;
      let m = byUser.get(row.user);
      if (!m) {
        m = { user: row.user, impressions: 0, clicks: 0, bestPosition: row.position, lastShownAt: row.time, surfaces: [], surfaceSet: new Set() };
        byUser.set(row.user, m);
      }
      m.impressions++;
      if (row.outcome !== null) m.clicks++;
      m.bestPosition = Math.min(m.bestPosition, row.position);
      m.lastShownAt = Math.max(m.lastShownAt, row.time);
      m.surfaceSet.add(row.surface);
    }
  }
  const users = [...byUser.values()]
    .sort((a, b) => b.lastShownAt - a.lastShownAt || (a.user < b.user ? -1 : 1))
    .slice(0, q.limit)
    .map(({ surfaceSet, ...m }) => ({ ...m, surfaces: [...surfaceSet].sort() }));
  return { item, from: q.from, to: q.to, scanned, truncated, users };
}
