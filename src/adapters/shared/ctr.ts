import type { CtrRow } from '../../ports/index.js';

/** Counts per group → CTR rows, largest group first (ties by key), as every adapter reports them. */
export function ctrRows(groups: { key: string; impressions: number; clicks: number }[]): CtrRow[] {
  return groups
    .map((g) => ({ ...g, ctr: g.impressions === 0 ? 0 : g.clicks / g.impressions }))
    .sort((a, b) => b.impressions - a.impressions || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
