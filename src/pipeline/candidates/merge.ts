import type { Candidate } from '../candidate.js';

/**
 * Merges the sources' lists into one candidate per item. An item proposed by several sources
 * keeps every source's score; its shown source and reason are those of the first list (the
 * sources' configured priority) that proposed it. Order: first appearance.
 */
export function mergeCandidates(lists: readonly Candidate[][]): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const list of lists) {
    for (const c of list) {
      const seen = byId.get(c.id);
      if (!seen) byId.set(c.id, { ...c, sourceScores: { ...c.sourceScores } });
      else Object.assign(seen.sourceScores, c.sourceScores);
    }
  }
  return [...byId.values()];
}
