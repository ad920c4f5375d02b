import { expect } from 'vitest';
import type { TrainingData } from '../../data/index.js';
import type { Algorithm, Model, UserQuery } from '../types.js';

/** Trains twice with one seed and returns both serialisations (callers compare them). */
export async function trainTwice<P extends Record<string, unknown>>(
  algorithm: Algorithm<P>,
  data: TrainingData,
  params: P,
  seed: number,
): Promise<[Uint8Array, Uint8Array]> {
  const a = await algorithm.train(data, params, { seed });
  const b = await algorithm.train(data, params, { seed });
  return [a.serialize(), b.serialize()];
}

/** deserialize(serialize()) scores every query bit-identically and keeps params and items. */
export function expectRoundTrip(algorithm: Algorithm, model: Model, queries: UserQuery[]): Model {
  const loaded = algorithm.deserialize(model.serialize());
  expect(loaded.algorithm).toBe(model.algorithm);
  expect(loaded.params).toEqual(model.params);
  expect(loaded.items.toArray()).toEqual(model.items.toArray());
  const before = new Float32Array(model.items.size);
  const after = new Float32Array(model.items.size);
  for (const q of queries) {
    model.scoreUser(q, before);
    loaded.scoreUser(q, after);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  }
  // And a second serialisation of the loaded model is byte-identical.
  expect(Buffer.from(loaded.serialize()).equals(Buffer.from(model.serialize()))).toBe(true);
  return loaded;
}
