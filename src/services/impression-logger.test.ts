import { describe, expect, it } from 'vitest';
import { MemoryImpressionStore } from '../adapters/memory/index.js';
import type { Impression } from '../ports/index.js';
import { ImpressionLogger } from './impression-logger.js';

const list = (i: number): Impression => ({ requestId: `r${i}`, user: 'u', surface: 'home', time: i, items: [{ item: 'a', position: 0, source: 's', score: 1 }] });

describe('ImpressionLogger', () => {
  it('writes a flush in chunks and lets other work run between them', async () => {
    const store = new MemoryImpressionStore();
    const calls: string[] = [];
    const append = store.appendImpressions.bind(store);
    store.appendImpressions = async (batch) => {
      calls.push(`write ${batch.length}`);
      setImmediate(() => calls.push('other work'));
      return append(batch);
    };
    const logger = new ImpressionLogger(store, 60_000, { flushMs: 10_000, maxItems: 1_000, chunkLists: 2 });
    for (let i = 0; i < 5; i++) logger.log(list(i));
    await logger.flush();
    expect(calls.filter((c) => c.startsWith('write'))).toEqual(['write 2', 'write 2', 'write 1']);
    // A request arriving during a flush waits for one chunk, never for the whole flush.
    expect(calls.slice(0, 4)).toEqual(['write 2', 'other work', 'write 2', 'other work']);
    expect((await store.ctr({ by: 'surface' }))[0]).toMatchObject({ impressions: 5 });
  });
});
