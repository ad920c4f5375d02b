import type { ObjectiveName } from './types.js';

/** A forest's flat arrays: what a GbdtModel holds and what its bytes encode. */
export interface ForestArrays {
  objective: ObjectiveName;
  featureNames: readonly string[];
  baseScore: number;
  /** Root node of each tree. */
  roots: Int32Array;
  /** −1 at a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  /** 1: a missing (NaN) value goes left. */
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf output (0 at internal nodes). */
  value: Float64Array;
  /** Loss reduction of each internal node's split (0 at leaves), for gain importance. */
  gain: Float64Array;
}
