import type { Model, UserQuery } from '../algorithms/index.js';
import type { UserHistory } from './history.js';

/**
 * The user's positive history in the model's item indices, newest first; unknown items skipped.
 * When that history is exactly the user's training row, the query names the row so the model
 * may use its stored representation; any change since training means a fold-in (ADR 0003).
 */
export function queryFor(model: Model, history: UserHistory, user?: string): UserQuery {
  const items: number[] = [];
  const weights: number[] = [];
  for (const [id, w] of history.positives) {
    const i = model.items.indexOf(id);
    if (i >= 0) {
      items.push(i);
      weights.push(w);
    }
  }
  const query = { user: -1, items: Int32Array.from(items), weights: Float32Array.from(weights) };
  if (user !== undefined && model.userRow) query.user = model.userRow(user, query);
  return query;
}
