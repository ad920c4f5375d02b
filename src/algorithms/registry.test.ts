import { describe, expect, it } from 'vitest';
import { IdIndex, isMagpieError } from '../core/index.js';
import { algorithms, getAlgorithm, parseParams } from './registry.js';

describe('algorithm registry', () => {
  it('lists every algorithm once, each with defaults for empty params', () => {
    const names = algorithms.map((a) => a.name);
    expect(names).toEqual(['popularity', 'itemknn', 'ials', 'bpr', 'ease', 'content', 'hybrid', 'blend']);
    for (const a of algorithms) {
      expect(getAlgorithm(a.name)).toBe(a);
      expect(a.summary.length).toBeGreaterThan(10);
      expect(typeof a.paramsSchema.parse({})).toBe('object');
    }
  });

  it('describes every parameter', () => {
    for (const a of algorithms) {
      const shape = (a.paramsSchema as unknown as { shape: Record<string, { description?: string }> }).shape;
      for (const [field, schema] of Object.entries(shape)) {
        expect(schema.description, `${a.name}.${field}`).toBeTruthy();
      }
    }
  });

  it('throws UNKNOWN_ALGORITHM naming the known ones', () => {
    try {
      getAlgorithm('svd++');
      expect.unreachable();
    } catch (err) {
      expect(isMagpieError(err) && err.code).toBe('UNKNOWN_ALGORITHM');
      expect((err as { details: unknown }).details).toEqual({
        name: 'svd++',
        known: ['popularity', 'itemknn', 'ials', 'bpr', 'ease', 'content', 'hybrid', 'blend'],
      });
    }
  });

  it('parseParams fills defaults and turns a bad field into VALIDATION_FAILED naming it', () => {
    const itemknn = getAlgorithm('itemknn');
    expect(parseParams(itemknn, { neighbors: 50 })).toEqual({ ...itemknn.paramsSchema.parse({}), neighbors: 50 });
    expect(() => parseParams(itemknn, { neighbors: -1 }, '--params')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^--params for itemknn: neighbors: /) }),
    );
    expect(() => parseParams(itemknn, { factors: 8 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('refuses a bundle trained by another algorithm', async () => {
    const popularity = getAlgorithm('popularity');
    const data = {
      users: IdIndex.from(['u']),
      items: IdIndex.from(['i']),
      interactions: { rows: 1, cols: 1, indptr: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float32Array.of(1) },
      lastSeen: null,
      now: 0,
    };
    const bytes = (await popularity.train(data, popularity.paramsSchema.parse({}), { seed: 1 })).serialize();
    for (const other of algorithms.filter((a) => a.name !== 'popularity')) {
      expect(() => other.deserialize(bytes)).toThrow(expect.objectContaining({ code: 'CORRUPT_MODEL' }));
    }
  });
});
