import { expect, it } from 'vitest';
import type { Experiment, ExperimentStore, ShadowList } from '../experiment-store.js';
import { collectBatches, describeContract, expectMagpieError } from './fixtures.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

const T0 = 1_700_000_000_000;

function experiment(id: string, overrides: Partial<Experiment> = {}): Experiment {
  return {
    id,
    name: `Experiment ${id}`,
    surface: 'home',
    salt: `salt-${id}`,
    status: 'draft',
    variants: [
      { name: 'a', share: 0.5, mode: 'live' },
      { name: 'b', share: 0.5, mode: 'live', surface: { cacheSeconds: 0 }, model: { role: 'main', version: 2 } },
    ],
    control: 'a',
    createdAt: T0,
    startedAt: null,
    stoppedAt: null,
    stopReason: null,
    ...overrides,
  };
}

function shadowList(experimentId: string, n: number): ShadowList {
  return { experiment: experimentId, variant: 's', user: `u${n}`, time: T0 + n, requestId: `r${n}`, shown: ['a', 'b'], shadow: ['b', `x${n}`] };
}

/** The behaviour every ExperimentStore adapter must have (see src/ports/experiment-store.ts). */
export function describeExperimentStoreContract(adapter: string, open: OpenStore<ExperimentStore>, options?: ContractOptions): void {
  describeContract('ExperimentStore', adapter, open, options, (store) => {
    it('keeps a definition exactly and lists newest first', async () => {
      const canary = { maxErrorRateDelta: 0.02, maxLatencyRatio: 1.5, minRequests: 100 };
      await store().create(experiment('e1'));
      await store().create(experiment('e2', { createdAt: T0 + 1, surface: 'email', canary }));
      expect(await store().get('e1')).toEqual(experiment('e1'));
      expect(await store().get('nope')).toBeNull();
      expect((await store().list()).map((e) => e.id)).toEqual(['e2', 'e1']);
      expect((await store().get('e2'))!.canary).toEqual(canary);
      await expectMagpieError(store().create(experiment('e1')), 'EXPERIMENT_CONFLICT');
    });

    it('starts a draft once, and stops it once, keeping the first reason', async () => {
      await store().create(experiment('e1'));
      const started = await store().start('e1', T0 + 10);
      expect(started).toMatchObject({ status: 'running', startedAt: T0 + 10, stoppedAt: null });
      await expectMagpieError(store().start('e1', T0 + 11), 'EXPERIMENT_CONFLICT');
      const first = await store().stop('e1', T0 + 20, 'canary failed');
      expect(first.changed).toBe(true);
      expect(first.experiment).toMatchObject({ status: 'stopped', stoppedAt: T0 + 20, stopReason: 'canary failed' });
      const second = await store().stop('e1', T0 + 30, 'by hand');
      expect(second.changed).toBe(false);
      expect((await store().get('e1'))!).toMatchObject({ status: 'stopped', stoppedAt: T0 + 20, stopReason: 'canary failed' });
      await expectMagpieError(store().start('e1', T0 + 40), 'EXPERIMENT_CONFLICT');
      await expectMagpieError(store().start('missing', T0), 'EXPERIMENT_NOT_FOUND');
      await expectMagpieError(store().stop('missing', T0, 'x'), 'EXPERIMENT_NOT_FOUND');
    });

    it('runs at most one experiment per surface at a time', async () => {
      await store().create(experiment('e1'));
      await store().create(experiment('e2'));
      await store().create(experiment('e3', { surface: 'email' }));
      await store().start('e1', T0);
      await expectMagpieError(store().start('e2', T0), 'EXPERIMENT_CONFLICT');
      expect((await store().get('e2'))!.status).toBe('draft');
      await store().start('e3', T0);
      await store().stop('e1', T0 + 1, 'done');
      expect((await store().start('e2', T0 + 2)).status).toBe('running');
    });

    it('sums health deltas per variant across reports', async () => {
      await store().create(experiment('e1'));
      await store().addHealth('e1', [
        { variant: 'a', requests: 10, errors: 1, latency: [3, 0, 7] },
        { variant: 'b', requests: 4, errors: 0, latency: [0, 4] },
      ]);
      await store().addHealth('e1', [{ variant: 'a', requests: 5, errors: 2, latency: [1, 0, 0, 4] }]);
      await store().addHealth('e1', []);
      const health = (await store().health('e1')).sort((x, y) => x.variant.localeCompare(y.variant));
      expect(health).toEqual([
        { variant: 'a', requests: 15, errors: 3, latency: [4, 0, 7, 4] },
        { variant: 'b', requests: 4, errors: 0, latency: [0, 4] },
      ]);
      expect(await store().health('other')).toEqual([]);
    });

    it('keeps shadow lists per experiment in order, scanned in batches', async () => {
      await store().appendShadow([shadowList('e1', 1), shadowList('e2', 2), shadowList('e1', 3)]);
      await store().appendShadow([shadowList('e1', 4)]);
      const batches = await collectBatches(store().scanShadow('e1', 2));
      expect(batches.map((b) => b.length)).toEqual([2, 1]);
      expect(batches.flat()).toEqual([shadowList('e1', 1), shadowList('e1', 3), shadowList('e1', 4)]);
      expect(await collectBatches(store().scanShadow('none', 5))).toEqual([]);
    });

    it('refuses work once closed', async () => {
      await store().close();
      await expectMagpieError(store().list(), 'STORAGE_FAILED');
    });
  });
}
