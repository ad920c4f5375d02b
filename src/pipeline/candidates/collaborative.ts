import { topK, type ScoredList } from '../../math/index.js';
import type { Model } from '../../algorithms/index.js';
import { queryFor } from '../query.js';
import type { VectorRetrieval } from './retrieval.js';
import { candidate, modelOf, type CandidateSource } from './source.js';
import { vectorViewOf } from './vector-view.js';

export const PERSONAL_REASON = 'picked for your taste';

const personal = new WeakSet<CandidateSource>();

/** Whether a source is a collaborative one (its items are explained from the user's history). */
export function isPersonalSource(source: CandidateSource): boolean {
  return personal.has(source);
}

/**
 * The personalised model's best items for the user's live history (ADR 0003: folded in, or the
 * stored vector when the history is still exactly the one trained on). A factor model (or a
 * blend's factor component) is searched by vector retrieval over the user vector; any other
 * model scores the whole catalogue. A score of exactly 0 is "no opinion"
 * and proposes nothing. The reason is refined for the final page only (explaining is costly).
 */
export function collaborativeSource(retrieval: VectorRetrieval, role = 'main', name = 'collaborative'): CandidateSource {
  const scratch = new WeakMap<Model, Float32Array>();
  const source: CandidateSource = {
    name,
    generate(input, limit) {
      const model = modelOf(input, role);
      if (!model || input.history.positives.size === 0) return [];
      const query = queryFor(model, input.history, input.user);
      if (query.items.length === 0) return [];
      const ids = model.items;
      const skip = input.blockedIndex?.(ids) ?? ((i: number): boolean => input.blocked(ids.idAt(i)));
      const view = vectorViewOf(model);
      let top: ScoredList;
      if (view) {
        top = retrieval.search(view, view.userVector(query), limit, skip);
      } else {
        let scores = scratch.get(model);
        if (!scores) scratch.set(model, (scores = new Float32Array(ids.size)));
        model.scoreUser(query, scores);
        const s = scores;
        top = topK(s, limit, (i) => s[i] === 0 || skip(i));
      }
      const attrs = input.attributesIndex?.(ids);
      return Array.from(top.indices, (i, r) => candidate(ids.idAt(i), name, top.scores[r]!, PERSONAL_REASON, attrs?.[i]));
    },
    scoreItems(input, wanted) {
      const model = modelOf(input, role);
      if (!model || input.history.positives.size === 0) return wanted.map(() => undefined);
      const query = queryFor(model, input.history, input.user);
      if (query.items.length === 0) return wanted.map(() => undefined);
      const view = vectorViewOf(model);
      if (view) {
        const u = view.userVector(query);
        return wanted.map((id) => {
          const i = model.items.indexOf(id);
          if (i < 0) return undefined;
          let s = 0;
          for (let t = 0; t < view.dim; t++) s += u[t]! * view.itemVectors[i * view.dim + t]!;
          return s;
        });
      }
      let scores = scratch.get(model);
      if (!scores) scratch.set(model, (scores = new Float32Array(model.items.size)));
      model.scoreUser(query, scores);
      const s = scores;
      return wanted.map((id) => {
        const i = model.items.indexOf(id);
        return i < 0 || s[i] === 0 ? undefined : s[i];
      });
    },
  };
  personal.add(source);
  return source;
}
