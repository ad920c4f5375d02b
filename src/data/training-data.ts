import { IdIndex } from '../core/index.js';
import { csrFromTriples, type Csr } from '../math/index.js';
import type { ItemContent } from './content/index.js';

/**
 * An immutable training snapshot: who interacted with what, and how strongly.
 * `interactions` is users × items with positive interaction strengths; `lastSeen` (when known)
 * holds, for each stored cell, the time of the latest positive event in ms, aligned with
 * `interactions.values`. `now` is the reference time for time-decayed models. `content`, when the
 * snapshot was built from a catalogue, holds the items' content features aligned with `items`
 * (what the content and hybrid models train on); interaction-only sources leave it out.
 */
export interface TrainingData {
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly interactions: Csr;
  readonly lastSeen: Float64Array | null;
  readonly now: number;
  readonly content?: ItemContent | undefined;
}

/** Per-user item lists (e.g. a LightGCN file) → a binary TrainingData with weight 1 per pair. */
export function trainingDataFromLists(
  lists: Iterable<[string, Iterable<string>]>,
  options: { items?: IdIndex; users?: IdIndex; now?: number } = {},
): TrainingData {
  const users = options.users ?? new IdIndex();
  const items = options.items ?? new IdIndex();
  const r: number[] = [];
  const c: number[] = [];
  for (const [user, userItems] of lists) {
    const u = users.add(user);
    for (const item of userItems) {
      r.push(u);
      c.push(items.add(item));
    }
  }
  const v = new Float32Array(r.length).fill(1);
  const m = csrFromTriples(users.size, items.size, r, c, v);
  // Duplicate pairs were summed; a list format carries no strength, so clamp back to 1.
  m.values.fill(1);
  return { users, items, interactions: m, lastSeen: null, now: options.now ?? 0 };
}
