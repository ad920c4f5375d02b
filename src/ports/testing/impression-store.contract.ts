import { expect, it } from 'vitest';
import type { Impression, ImpressionStore, LabelledImpression } from '../impression-store.js';
import { describeContract, expectMagpieError } from './fixtures.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

function impression(requestId: string, user: string, items: string[], overrides: Partial<Impression> = {}): Impression {
  return {
    requestId,
    user,
    surface: 'home',
    time: T0,
    items: items.map((item, position) => ({ item, position, source: position === 0 ? 'collaborative' : 'trending', score: 1 - position / 10 })),
    ...overrides,
  };
}

async function all(store: ImpressionStore, opts: { from?: number; to?: number } = {}, batchSize = 2): Promise<LabelledImpression[]> {
  const rows: LabelledImpression[] = [];
  for await (const batch of store.scanLabelled({ ...opts, batchSize })) {
    expect(batch.length).toBeLessThanOrEqual(batchSize);
    rows.push(...batch);
  }
  return rows;
}

/** The behaviour every ImpressionStore adapter must have (see src/ports/impression-store.ts). */
export function describeImpressionStoreContract(adapter: string, open: OpenStore<ImpressionStore>, options?: ContractOptions): void {
  describeContract('ImpressionStore', adapter, open, options, (store) => {
    it('keeps every shown item with its request, position, source, score and features', async () => {
      const imp = impression('r1', 'u1', ['a', 'b'], { variant: 'B' });
      imp.items[0]!.features = [0.5, -1, 3];
      await store().appendImpressions([imp, impression('r2', 'u2', ['c'], { time: T0 + 1 })]);
      const rows = await all(store());
      expect(rows.map((r) => [r.requestId, r.position, r.user, r.item, r.source, r.variant, r.outcome])).toEqual([
        ['r1', 0, 'u1', 'a', 'collaborative', 'B', null],
        ['r1', 1, 'u1', 'b', 'trending', 'B', null],
        ['r2', 0, 'u2', 'c', 'collaborative', null, null],
      ]);
      expect(rows[0]!.features).toEqual([0.5, -1, 3]);
      expect(rows[1]!.features).toBeUndefined();
      expect(rows[0]!.score).toBeCloseTo(1);
    });

    it('gives a repeated list (served from cache) the features of the list it repeats, and its own outcomes', async () => {
      const first = impression('r1', 'u1', ['a', 'b']);
      first.items[0]!.features = [1, 2];
      first.items[1]!.features = [3, 4];
      await store().appendImpressions([first]);
      const again = { ...impression('r2', 'u1', ['a', 'b'], { time: T0 + MINUTE }), repeats: 'r1' };
      await store().appendImpressions([again]);
      await store().attributeOutcomes([{ user: 'u1', item: 'b', type: 'click', time: T0 + 2 * MINUTE, requestId: 'r2' }], 30 * MINUTE);
      const rows = await all(store());
      expect(rows.map((r) => [r.requestId, r.item, r.features, r.outcome])).toEqual([
        ['r1', 'a', [1, 2], null],
        ['r1', 'b', [3, 4], null],
        ['r2', 'a', [1, 2], null],
        ['r2', 'b', [3, 4], 'click'],
      ]);
      expect((await store().ctr({ by: 'surface' }))[0]).toMatchObject({ impressions: 4, clicks: 1 });
    });

    it('scans a time window [from, to) in batches that never repeat or skip', async () => {
      const batch = Array.from({ length: 7 }, (_, i) => impression(`r${i}`, 'u', ['x', 'y'], { time: T0 + i * MINUTE }));
      await store().appendImpressions(batch);
      expect(await all(store(), {}, 3)).toHaveLength(14);
      const window = await all(store(), { from: T0 + 2 * MINUTE, to: T0 + 5 * MINUTE }, 4);
      expect(window.map((r) => `${r.requestId}:${r.position}`)).toEqual(['r2:0', 'r2:1', 'r3:0', 'r3:1', 'r4:0', 'r4:1']);
    });

    it('attributes an outcome to the request it names, once', async () => {
      await store().appendImpressions([impression('r1', 'u1', ['a', 'b']), impression('r2', 'u1', ['b'], { time: T0 + MINUTE })]);
      const first = await store().attributeOutcomes([{ user: 'u1', item: 'b', type: 'click', time: T0 + 2 * MINUTE, requestId: 'r1' }], 30 * MINUTE);
      expect(first.attributed).toBe(1);
      const again = await store().attributeOutcomes([{ user: 'u1', item: 'b', type: 'purchase', time: T0 + 3 * MINUTE, requestId: 'r1' }], 30 * MINUTE);
      expect(again.attributed).toBe(0);
      const rows = await all(store());
      expect(rows.find((r) => r.requestId === 'r1' && r.item === 'b')!.outcome).toBe('click');
      expect(rows.find((r) => r.requestId === 'r2')!.outcome).toBeNull();
    });

    it('without a request id, attributes to the newest impression inside the window only', async () => {
      await store().appendImpressions([
        impression('old', 'u1', ['a'], { time: T0 }),
        impression('new', 'u1', ['a'], { time: T0 + 10 * MINUTE }),
        impression('other-user', 'u2', ['a'], { time: T0 + 11 * MINUTE }),
      ]);
      const hit = await store().attributeOutcomes([{ user: 'u1', item: 'a', type: 'click', time: T0 + 12 * MINUTE }], 30 * MINUTE);
      expect(hit.attributed).toBe(1);
      const late = await store().attributeOutcomes([{ user: 'u2', item: 'a', type: 'click', time: T0 + 50 * MINUTE }], 30 * MINUTE);
      expect(late.attributed).toBe(0);
      const unseen = await store().attributeOutcomes([{ user: 'u1', item: 'zzz', type: 'click', time: T0 + 12 * MINUTE }], 30 * MINUTE);
      expect(unseen.attributed).toBe(0);
      const outcomes = Object.fromEntries((await all(store())).map((r) => [r.requestId, r.outcome]));
      expect(outcomes).toEqual({ old: null, new: 'click', 'other-user': null });
    });

    it('reports CTR by surface, source and variant, with time and surface filters', async () => {
      await store().appendImpressions([
        impression('r1', 'u1', ['a', 'b', 'c', 'd'], { variant: 'A' }),
        impression('r2', 'u2', ['a', 'b'], { surface: 'item', time: T0 + MINUTE }),
      ]);
      await store().attributeOutcomes(
        [
          { user: 'u1', item: 'a', type: 'click', time: T0 + 1, requestId: 'r1' },
          { user: 'u1', item: 'c', type: 'click', time: T0 + 1, requestId: 'r1' },
          { user: 'u2', item: 'b', type: 'click', time: T0 + MINUTE + 1, requestId: 'r2' },
        ],
        MINUTE,
      );
      expect(await store().ctr({ by: 'surface' })).toEqual([
        { key: 'home', impressions: 4, clicks: 2, ctr: 0.5 },
        { key: 'item', impressions: 2, clicks: 1, ctr: 0.5 },
      ]);
      expect(await store().ctr({ by: 'source', surface: 'home' })).toEqual([
        { key: 'trending', impressions: 3, clicks: 1, ctr: 1 / 3 },
        { key: 'collaborative', impressions: 1, clicks: 1, ctr: 1 },
      ]);
      expect(await store().ctr({ by: 'variant' })).toEqual([
        { key: 'A', impressions: 4, clicks: 2, ctr: 0.5 },
        { key: '', impressions: 2, clicks: 1, ctr: 0.5 },
      ]);
      expect(await store().ctr({ by: 'surface', from: T0 + 1 })).toEqual([{ key: 'item', impressions: 2, clicks: 1, ctr: 0.5 }]);
      expect(await store().ctr({ by: 'surface', to: T0 })).toEqual([]);
    });

    it('ignores a repeated request id and refuses work once closed', async () => {
      await store().appendImpressions([impression('r1', 'u1', ['a'])]);
      await store().appendImpressions([impression('r1', 'u1', ['a'])]);
      expect(await all(store())).toHaveLength(1);
      await store().close();
      await expectMagpieError(store().appendImpressions([impression('r9', 'u', ['a'])]), 'STORAGE_FAILED');
    });
  });
}
