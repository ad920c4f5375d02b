import { expect, it } from 'vitest';
import type { FeedbackEvent } from '../../core/index.js';
import type { EventLog, LogRecord } from '../event-log.js';
import { expectMagpieError, makeEvent, describeContract } from './fixtures.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

function events(prefix: string, n: number): FeedbackEvent[] {
  return Array.from({ length: n }, (_, i) =>
    makeEvent(`${prefix}-${i}`, `u${i % 3}`, `i${i % 5}`, { timestamp: 1_000 + i, value: i % 2 ? i : null }),
  );
}

/**
 * The behaviour every EventLog adapter must have (see src/ports/event-log.ts). `open` must give
 * a fresh, empty log each time. Durability across a crash is backend-specific and tested beside
 * each adapter (e.g. src/adapters/sqlite/durability.test.ts).
 */
export function describeEventLogContract(adapter: string, open: OpenStore<EventLog>, options?: ContractOptions): void {
  describeContract('EventLog', adapter, open, options, (log) => {

    /** Reads the whole log in pages of `limit`. */
    async function readAll(limit: number, after = 0): Promise<LogRecord[]> {
      const all: LogRecord[] = [];
      for (;;) {
        const page = await log().read(after, limit);
        expect(page.length).toBeLessThanOrEqual(limit);
        const last = page[page.length - 1];
        if (last === undefined) return all;
        all.push(...page);
        after = last.seq;
      }
    }

    it('an empty log has head 0 and nothing to read', async () => {
      expect(await log().head()).toBe(0);
      expect(await log().read(0, 10)).toEqual([]);
    });

    it('append returns the seq range written; read returns those events in order', async () => {
      const batch = events('a', 5);
      const { first, last } = await log().append(batch);
      expect(first).toBeGreaterThanOrEqual(1);
      expect(last - first + 1).toBe(5);
      expect(await log().head()).toBe(last);
      const records = await log().read(first - 1, 100);
      expect(records.map((r) => r.event)).toEqual(batch);
      expect(records.map((r) => r.seq)).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    });

    it('later appends get higher seqs, and paging reads every record once, in order', async () => {
      const written: FeedbackEvent[] = [];
      let previousLast = 0;
      for (const [i, size] of [3, 1, 7, 2].entries()) {
        const batch = events(`b${i}`, size);
        const range = await log().append(batch);
        expect(range.first).toBeGreaterThan(previousLast);
        expect(range.last - range.first + 1).toBe(size);
        previousLast = range.last;
        written.push(...batch);
      }
      expect(await log().head()).toBe(previousLast);
      for (const limit of [1, 2, 5, 13, 100]) {
        const records = await readAll(limit);
        expect(records.map((r) => r.event)).toEqual(written);
        for (let i = 1; i < records.length; i++) {
          expect((records[i] as LogRecord).seq).toBeGreaterThan((records[i - 1] as LogRecord).seq);
        }
      }
    });

    it('reads from the middle and past the head', async () => {
      const { first, last } = await log().append(events('c', 6));
      const tail = await log().read(first + 2, 100);
      expect(tail.map((r) => r.event.id)).toEqual(['c-3', 'c-4', 'c-5']);
      expect(await log().read(last, 10)).toEqual([]);
      expect(await log().read(last + 100, 10)).toEqual([]);
      expect((await log().read(first - 1, 2)).map((r) => r.event.id)).toEqual(['c-0', 'c-1']);
    });

    it('keeps duplicates: the log records what arrived; applying deduplicates later', async () => {
      const event = makeEvent('same', 'u', 'i');
      await log().append([event]);
      await log().append([event, event]);
      expect((await readAll(10)).map((r) => r.event)).toEqual([event, event, event]);
    });

    it('round-trips every event field, null values and contexts included', async () => {
      const batch = [
        makeEvent('x1', 'u', 'i', { type: 'rating', value: 3.5, timestamp: 42, context: { surface: 'home', n: [1, 2] } }),
        makeEvent('x2', 'u', 'i', { value: null, context: null }),
      ];
      await log().append(batch);
      expect((await readAll(10)).map((r) => r.event)).toEqual(batch);
    });

    it('an empty append writes nothing and returns the empty range after the head', async () => {
      expect(await log().append([])).toEqual({ first: 1, last: 0 });
      const { last } = await log().append(events('d', 2));
      expect(await log().append([])).toEqual({ first: last + 1, last });
      expect(await log().head()).toBe(last);
      expect((await readAll(10)).length).toBe(2);
    });

    it('commits offsets per consumer; unknown consumers are at 0; a commit can rewind', async () => {
      const { last } = await log().append(events('e', 4));
      expect(await log().committed('apply')).toBe(0);
      await log().commit('apply', last - 1);
      await log().commit('counters', last);
      expect(await log().committed('apply')).toBe(last - 1);
      expect(await log().committed('counters')).toBe(last);
      await log().commit('apply', last);
      expect(await log().committed('apply')).toBe(last);
      await log().commit('apply', 1);
      expect(await log().committed('apply')).toBe(1);
      expect(await log().committed('someone-else')).toBe(0);
    });

    it('a consumer resumes from its committed offset', async () => {
      await log().append(events('f', 3));
      const firstPass = await log().read(await log().committed('c'), 2);
      await log().commit('c', (firstPass[firstPass.length - 1] as LogRecord).seq);
      await log().append(events('g', 2));
      const rest = await readAll(10, await log().committed('c'));
      expect([...firstPass, ...rest].map((r) => r.event.id)).toEqual(['f-0', 'f-1', 'f-2', 'g-0', 'g-1']);
    });

    it('refuses bad positions and limits with VALIDATION_FAILED', async () => {
      await expectMagpieError(log().read(0, 0), 'VALIDATION_FAILED');
      await expectMagpieError(log().read(-1, 10), 'VALIDATION_FAILED');
      await expectMagpieError(log().read(0.5, 10), 'VALIDATION_FAILED');
      await expectMagpieError(log().commit('c', -1), 'VALIDATION_FAILED');
      await expectMagpieError(log().commit('c', 1.5), 'VALIDATION_FAILED');
    });

    it('concurrent appends never share a seq', async () => {
      const ranges = await Promise.all(Array.from({ length: 8 }, (_, i) => log().append(events(`p${i}`, 3))));
      const records = await readAll(100);
      expect(records.length).toBe(24);
      expect(new Set(records.map((r) => r.seq)).size).toBe(24);
      ranges.forEach((range, i) => {
        // Each batch's records lie inside the range append reported, in the order given.
        const mine = records.filter((r) => r.event.id.startsWith(`p${i}-`));
        expect(mine.map((r) => r.event.id)).toEqual([`p${i}-0`, `p${i}-1`, `p${i}-2`]);
        expect(mine[0]?.seq).toBe(range.first);
        expect(mine[2]?.seq).toBe(range.last);
      });
    });

    it('close is idempotent, and a closed log refuses work with STORAGE_FAILED', async () => {
      await log().close();
      await log().close();
      await expectMagpieError(log().head(), 'STORAGE_FAILED');
      await expectMagpieError(log().append(events('h', 1)), 'STORAGE_FAILED');
    });
  });
}
