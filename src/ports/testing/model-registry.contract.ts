import { expect, it } from 'vitest';
import type { GateRecord, ModelStore, NewModel } from '../model-store.js';
import { expectMagpieError, describeContract } from './fixtures.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

function newModel(name: string, gate?: GateRecord): NewModel {
  return {
    name,
    algorithm: 'itemknn',
    params: { neighbors: 50 },
    metrics: { 'ndcg@20': 0.1 },
    trainedAt: 1_700_000_000_000,
    trainingSeconds: 1,
    data: { users: 1, items: 2, interactions: 3, events: 4, from: 1, to: 2 },
    ...(gate ? { gate } : {}),
  };
}

const REFUSED: GateRecord = {
  passed: false,
  metric: 'ndcg@20',
  candidate: 0.05,
  serving: 0.1,
  tolerance: 0.02,
  reason: 'ndcg@20 0.0500 is worse than the serving model’s 0.1000 by more than 2%',
};

/** The registry part of the ModelStore port: states, promotion, rollback (see model-store.ts). */
export function describeModelRegistryContract(adapter: string, open: OpenStore<ModelStore>, options?: ContractOptions): void {
  describeContract('ModelStore registry', adapter, open, options, (models) => {
    const states = async (name: string) => (await models().list(name)).map((m) => `v${m.version}:${m.state}`).reverse();

    it('a saved model is a candidate, nothing serves until a promotion, and the gate record is kept', async () => {
      const saved = await models().save(newModel('main', REFUSED), Uint8Array.of(1));
      expect(saved).toMatchObject({ version: 1, state: 'candidate', promotedAt: null, gate: REFUSED });
      expect(await models().servingVersion('main')).toBe(0);
      expect(await models().meta('main', 1)).toEqual(saved);
      expect(await models().meta('main', 2)).toBeNull();
      expect((await models().save(newModel('main'), Uint8Array.of(2))).gate).toBeNull();
      expect(await models().promotions('main')).toEqual([]);
    });

    it('promote makes one version serve and retires the one before, per name', async () => {
      for (let i = 0; i < 3; i++) await models().save(newModel('main'), Uint8Array.of(i));
      await models().save(newModel('popular'), Uint8Array.of(9));
      const first = await models().promote('main', 1);
      expect(first.state).toBe('serving');
      expect(first.promotedAt).toEqual(expect.any(Number));
      await models().promote('popular', 1);
      const third = await models().promote('main', 3);
      expect(third.promotedAt).toBeGreaterThanOrEqual(first.promotedAt!);
      expect(await states('main')).toEqual(['v1:retired', 'v2:candidate', 'v3:serving']);
      expect(await states('popular')).toEqual(['v1:serving']);
      expect(await models().servingVersion('main')).toBe(3);
      // The blob and meta that get() returns carry the state too.
      expect((await models().get('main', 3))?.meta.state).toBe('serving');
      expect((await models().meta('main', 1))?.promotedAt).toBe(first.promotedAt);
      expect((await models().promotions('main')).map((p) => [p.version, p.rolledBackAt])).toEqual([
        [3, null],
        [1, null],
      ]);
    });

    it('promoting the serving version changes nothing; an unknown version is MODEL_NOT_FOUND', async () => {
      await models().save(newModel('main'), Uint8Array.of(1));
      const once = await models().promote('main', 1);
      expect(await models().promote('main', 1)).toEqual(once);
      expect(await models().promotions('main')).toHaveLength(1);
      await expectMagpieError(models().promote('main', 2), 'MODEL_NOT_FOUND');
      await expectMagpieError(models().promote('other', 1), 'MODEL_NOT_FOUND');
      expect(await models().servingVersion('main')).toBe(1);
    });

    it('rollback walks back through the promotions, then refuses with NOTHING_TO_ROLL_BACK', async () => {
      for (let i = 0; i < 3; i++) await models().save(newModel('main'), Uint8Array.of(i));
      await expectMagpieError(models().rollback('main'), 'NOTHING_TO_ROLL_BACK');
      const v1 = await models().promote('main', 1);
      await expectMagpieError(models().rollback('main'), 'NOTHING_TO_ROLL_BACK');
      await models().promote('main', 2);
      await models().promote('main', 3);
      const back = await models().rollback('main');
      expect(back).toMatchObject({ version: 2, state: 'serving' });
      expect(await states('main')).toEqual(['v1:retired', 'v2:serving', 'v3:retired']);
      const again = await models().rollback('main');
      expect(again).toMatchObject({ version: 1, state: 'serving', promotedAt: v1.promotedAt });
      await expectMagpieError(models().rollback('main'), 'NOTHING_TO_ROLL_BACK');
      expect(await models().servingVersion('main')).toBe(1);
      const history = await models().promotions('main');
      expect(history.map((p) => [p.version, p.rolledBackAt === null])).toEqual([
        [3, false],
        [2, false],
        [1, true],
      ]);
      await expectMagpieError(models().rollback('nothing'), 'NOTHING_TO_ROLL_BACK');
    });

    it('a version promoted again after a rollback serves, and rolling it back restores the one before', async () => {
      for (let i = 0; i < 2; i++) await models().save(newModel('main'), Uint8Array.of(i));
      await models().promote('main', 1);
      await models().promote('main', 2);
      await models().rollback('main');
      await models().promote('main', 2);
      expect(await models().servingVersion('main')).toBe(2);
      expect((await models().rollback('main')).version).toBe(1);
    });

    it('concurrent promotions leave exactly one serving version', async () => {
      for (let i = 0; i < 6; i++) await models().save(newModel('main'), Uint8Array.of(i));
      await Promise.all([1, 2, 3, 4, 5, 6].map((v) => models().promote('main', v)));
      const serving = (await models().list('main')).filter((m) => m.state === 'serving');
      expect(serving).toHaveLength(1);
      expect(await models().servingVersion('main')).toBe(serving[0]!.version);
      expect(await models().promotions('main')).toHaveLength(6);
      expect((await models().promotions('main'))[0]!.version).toBe(serving[0]!.version);
    });
  });
}
