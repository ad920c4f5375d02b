import type { Model, UserQuery } from '../algorithms/index.js';
import type { UserHistory } from './history.js';

/** The user's positive history in the model's item indices, newest first; unknown items skipped. */
export function queryFor(model: Model, history: UserHistory): UserQuery {
  const items: number[] = [];
  const weights: number[] = [];
  for (const [id, w] of history.positives) {
    const i = model.items.indexOf(id);
    if (i >= 0) {
      items.push(i);
      weights.push(w);
    }
  }
  // Always fold in: the stored user vector may predate the user's latest events (ADR 0003).
  return { user: -1, items: Int32Array.from(items), weights: Float32Array.from(weights) };
}
