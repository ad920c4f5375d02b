import { topK } from '../../math/index.js';
import type { Model } from '../types.js';
import { queryOf, type SyntheticSplit } from './synthetic.js';

/**
 * Mean Recall@k over users with a holdout: full ranking over all items, training items
 * excluded, hits / |holdout| (the LightGCN protocol). A test helper only — src/eval owns the
 * real metrics, and algorithms may not import it.
 */
export function holdoutRecall(model: Model, split: SyntheticSplit, k: number, foldIn = false): number {
  const out = new Float32Array(model.items.size);
  let sum = 0;
  let users = 0;
  for (let u = 0; u < split.holdout.length; u++) {
    const relevant = split.holdout[u]!;
    if (relevant.length === 0) continue;
    const query = queryOf(split.train, u, foldIn);
    model.scoreUser(query, out);
    const seen = new Set(query.items);
    const top = topK(out, k, (i) => seen.has(i));
    const wanted = new Set(relevant);
    let hits = 0;
    for (const i of top.indices) if (wanted.has(i)) hits++;
    sum += hits / relevant.length;
    users++;
  }
  return sum / users;
}
