import { MagpieError } from '../../core/index.js';
import { dot, type Vec } from '../blas.js';
import type { ScoredList } from '../score-heap.js';

export const EMPTY_LIST: ScoredList = Object.freeze({ indices: new Int32Array(0), scores: new Float32Array(0) });

/** Checks the shape of a row-major count×dim matrix and that every entry is finite. */
export function checkVectors(vectors: Float32Array, count: number, dim: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new MagpieError('VALIDATION_FAILED', `item count must be a non-negative integer, got ${count}`, { count });
  }
  if (!Number.isInteger(dim) || dim < 1) {
    throw new MagpieError('VALIDATION_FAILED', `vector dimension must be a positive integer, got ${dim}`, { dim });
  }
  if (vectors.length < count * dim) {
    throw new MagpieError('VALIDATION_FAILED', `${count} vectors of dimension ${dim} need ${count * dim} numbers, got ${vectors.length}`, {
      count,
      dim,
      length: vectors.length,
    });
  }
  for (let i = 0; i < count * dim; i++) {
    if (!Number.isFinite(vectors[i]!)) {
      const item = Math.floor(i / dim);
      throw new MagpieError('VALIDATION_FAILED', `vector of item ${item} holds a non-finite number`, { item });
    }
  }
}

/** Throws when a query does not have the index's dimension. */
export function checkQuery(query: Vec, dim: number): void {
  if (query.length !== dim) {
    throw new MagpieError('VALIDATION_FAILED', `query has dimension ${query.length}, the index holds vectors of dimension ${dim}`, {
      expected: dim,
      actual: query.length,
    });
  }
}

/** Norm of the query, computed in double precision. */
export function queryNorm(query: Vec): number {
  return Math.sqrt(dot(query, 0, query, 0, query.length));
}

/**
 * Sorts parallel (index, score) arrays best first — higher score, then lower index — the order
 * topK produces, so exact and approximate results compare entry by entry. Scores should be f32
 * values already (Math.fround) so that ties are ties in the returned Float32Array too.
 */
export function sortScored(indices: number[], scores: number[]): ScoredList {
  const order = indices.map((_, j) => j);
  order.sort((a, b) => scores[b]! - scores[a]! || indices[a]! - indices[b]!);
  return {
    indices: Int32Array.from(order, (j) => indices[j]!),
    scores: Float32Array.from(order, (j) => scores[j]!),
  };
}
