import { expect, it } from 'vitest';
import type { ModelMeta, ModelStore, NewModel } from '../model-store.js';
import { expectMagpieError, describeContract } from './fixtures.js';
import { describeModelRegistryContract } from './model-registry.contract.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

function newModel(name: string, overrides: Partial<NewModel> = {}): NewModel {
  return {
    name,
    algorithm: 'ials',
    params: { factors: 64, regularization: 0.01, nested: { on: true, list: [1, 'a', null] } },
    metrics: { 'ndcg@20': 0.123, 'recall@20': 0.2 },
    trainedAt: 1_700_000_000_000,
    trainingSeconds: 12.5,
    data: { users: 10, items: 20, interactions: 30, events: 40, from: null, to: 1_700_000_000_000 },
    ...overrides,
  };
}

/** What save returns for a new model: a candidate, never promoted. */
function asSaved(meta: NewModel, version: number, bytes: number): ModelMeta {
  return { ...meta, gate: meta.gate ?? null, version, bytes, state: 'candidate', promotedAt: null };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** The behaviour every ModelStore adapter must have (see src/ports/model-store.ts). */
export function describeModelStoreContract(
  adapter: string,
  open: OpenStore<ModelStore>,
  options?: ContractOptions,
): void {
  describeContract('ModelStore', adapter, open, options, (models) => {

    it('an empty store has no models', async () => {
      expect(await models().latest('main')).toBeNull();
      expect(await models().get('main', 1)).toBeNull();
      expect(await models().latestVersion('main')).toBe(0);
      expect(await models().list()).toEqual([]);
      expect(await models().list('main')).toEqual([]);
    });

    it('save assigns versions 1, 2, 3… per name and reports the blob size', async () => {
      const first = await models().save(newModel('main'), bytes(1, 2, 3));
      expect(first).toEqual(asSaved(newModel('main'), 1, 3));
      expect((await models().save(newModel('main'), bytes(4))).version).toBe(2);
      expect((await models().save(newModel('popular'), bytes())).version).toBe(1);
      expect((await models().save(newModel('main'), bytes(5, 6))).version).toBe(3);
      expect(await models().latestVersion('main')).toBe(3);
      expect(await models().latestVersion('popular')).toBe(1);
    });

    it('latest and get return metadata and the exact bytes', async () => {
      const blob1 = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256);
      const blob2 = bytes(9, 8, 7);
      await models().save(newModel('main', { algorithm: 'ease' }), blob1);
      await models().save(newModel('main', { algorithm: 'bpr' }), blob2);
      const latest = await models().latest('main');
      expect(latest?.meta).toEqual(asSaved(newModel('main', { algorithm: 'bpr' }), 2, 3));
      expect(Array.from(latest?.blob ?? [])).toEqual([9, 8, 7]);
      const v1 = await models().get('main', 1);
      expect(v1?.meta.algorithm).toBe('ease');
      expect(v1?.meta.bytes).toBe(300_000);
      expect(v1?.blob).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(v1?.blob ?? []).equals(Buffer.from(blob1))).toBe(true);
      expect(await models().get('main', 3)).toBeNull();
      expect(await models().get('other', 1)).toBeNull();
    });

    it('an empty blob is a valid model', async () => {
      await models().save(newModel('empty'), bytes());
      const stored = await models().latest('empty');
      expect(stored?.meta.bytes).toBe(0);
      expect(stored?.blob.byteLength).toBe(0);
    });

    it('stored models do not change when the caller later mutates its blob or meta', async () => {
      const blob = bytes(1, 2, 3);
      const meta = newModel('main');
      await models().save(meta, blob);
      blob[0] = 99;
      meta.metrics['ndcg@20'] = 0;
      const stored = await models().latest('main');
      expect(Array.from(stored?.blob ?? [])).toEqual([1, 2, 3]);
      expect(stored?.meta.metrics['ndcg@20']).toBe(0.123);
    });

    it('list returns metadata newest first, for one name or all', async () => {
      await models().save(newModel('main'), bytes(1));
      await models().save(newModel('popular'), bytes(2));
      await models().save(newModel('main'), bytes(3));
      await models().save(newModel('similar'), bytes(4));
      const all = await models().list();
      expect(all.map((m) => `${m.name}@${m.version}`)).toEqual(['similar@1', 'main@2', 'popular@1', 'main@1']);
      const main = await models().list('main');
      expect(main.map((m) => m.version)).toEqual([2, 1]);
      expect(main[0]).toEqual(asSaved(newModel('main'), 2, 1));
      expect(await models().list('nothing')).toEqual([]);
    });

    it('concurrent saves of one name get distinct, consecutive versions', async () => {
      const saved = await Promise.all(Array.from({ length: 6 }, (_, i) => models().save(newModel('main'), bytes(i))));
      expect(saved.map((m) => m.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const meta of saved) {
        const stored = await models().get('main', meta.version);
        expect(stored?.meta).toEqual(meta);
      }
    });

    it('of two holders asking for a free lease, the first gets it and the second does not', async () => {
      expect(await models().acquireLease('training', 'a', 60_000)).toBe(true);
      expect(await models().acquireLease('training', 'b', 60_000)).toBe(false);
      // Leases of other names are independent.
      expect(await models().acquireLease('other', 'b', 60_000)).toBe(true);
      expect(await models().acquireLease('training', 'b', 60_000)).toBe(false);
    });

    it('an expired lease goes to the next holder that asks', async () => {
      expect(await models().acquireLease('training', 'a', 400)).toBe(true);
      expect(await models().acquireLease('training', 'b', 400)).toBe(false);
      await sleep(500);
      expect(await models().acquireLease('training', 'b', 60_000)).toBe(true);
      expect(await models().acquireLease('training', 'a', 60_000)).toBe(false);
    });

    it("the holder's own acquire renews the lease past its first expiry", async () => {
      expect(await models().acquireLease('training', 'a', 1_000)).toBe(true);
      await sleep(600);
      expect(await models().acquireLease('training', 'a', 1_000)).toBe(true);
      await sleep(600);
      // 1.2 s after the first acquire: past its expiry, inside the renewed one.
      expect(await models().acquireLease('training', 'b', 1_000)).toBe(false);
    });

    it('only the holder can release a lease', async () => {
      expect(await models().acquireLease('training', 'a', 60_000)).toBe(true);
      await models().releaseLease('training', 'b');
      expect(await models().acquireLease('training', 'b', 60_000)).toBe(false);
      await models().releaseLease('training', 'a');
      expect(await models().acquireLease('training', 'b', 60_000)).toBe(true);
      // Releasing a lease nobody holds, or twice, does nothing.
      await models().releaseLease('nothing', 'a');
      await models().releaseLease('training', 'a');
      expect(await models().acquireLease('training', 'a', 60_000)).toBe(false);
    });

    it('of ten holders asking at once, exactly one gets the lease', async () => {
      const holders = Array.from({ length: 10 }, (_, i) => `holder-${i}`);
      const got = await Promise.all(holders.map((h) => models().acquireLease('training', h, 60_000)));
      expect(got.filter(Boolean)).toHaveLength(1);
      const winner = holders[got.indexOf(true)]!;
      expect(await models().acquireLease('training', winner, 60_000)).toBe(true);
    });

    it('a lease time that is not a positive whole number of ms is refused with VALIDATION_FAILED', async () => {
      for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectMagpieError(models().acquireLease('training', 'a', ttl), 'VALIDATION_FAILED');
      }
      expect(await models().acquireLease('training', 'b', 60_000)).toBe(true);
    });

    it('close is idempotent, and a closed store refuses work with STORAGE_FAILED', async () => {
      await models().close();
      await models().close();
      await expectMagpieError(models().latestVersion('main'), 'STORAGE_FAILED');
      await expectMagpieError(models().acquireLease('training', 'a', 60_000), 'STORAGE_FAILED');
      await expectMagpieError(models().releaseLease('training', 'a'), 'STORAGE_FAILED');
    });
  });
  describeModelRegistryContract(adapter, open, options);
}
