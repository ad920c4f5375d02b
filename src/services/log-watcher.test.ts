import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../adapters/memory/index.js';
import type { FeedbackEvent } from '../core/index.js';
import { LogWatcher } from './log-watcher.js';

const event = (id: string, user: string): FeedbackEvent => ({ id, user, item: 'i', type: 'like', value: null, timestamp: 1, context: null });

describe('LogWatcher', () => {
  it('reports the users of events once they are applied, from where the log stood at start', async () => {
    const log = new MemoryEventLog();
    await log.append([event('e1', 'old')]);
    await log.commit('store', 1);
    const seen: string[][] = [];
    const watcher = new LogWatcher(log, (users) => seen.push([...users].sort()));
    await watcher.poll(); // starts at the applied position: 'old' is history
    await log.append([event('e2', 'a'), event('e3', 'b'), event('e4', 'a')]);
    await watcher.poll();
    expect(seen).toEqual([]); // appended, not yet applied
    await log.commit('store', 3);
    await watcher.poll();
    expect(seen).toEqual([['a', 'b']]);
    await log.commit('store', 4);
    await watcher.poll();
    await watcher.poll();
    expect(seen).toEqual([['a', 'b'], ['a']]);
  });
});
