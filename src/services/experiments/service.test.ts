import { describe, expect, it } from 'vitest';
import { MemoryDataStore, MemoryExperimentStore, MemoryImpressionStore } from '../../adapters/memory/index.js';
import { MagpieError } from '../../core/index.js';
import { parseConfig } from '../../config/index.js';
import { ExperimentService } from './service.js';

function service(store = new MemoryExperimentStore()) {
  return new ExperimentService({
    config: parseConfig({}),
    store,
    impressions: new MemoryImpressionStore(),
    data: new MemoryDataStore(),
    models: { get: () => undefined },
    loadModel: async (role, version) => {
      throw new MagpieError('MODEL_NOT_FOUND', `no model ${role} v${version}`);
    },
  });
}

const definition = (id: string) => ({
  id,
  name: id,
  control: 'a',
  variants: [
    { name: 'a', share: 0.5 },
    { name: 'b', share: 0.5, surface: { cacheSeconds: 0 } },
  ],
});

describe('ExperimentService', () => {
  it('a sync that read the store before a start here does not undo the start', async () => {
    // A store whose list() answers what it read at once, but hands it over only when released.
    const store = new MemoryExperimentStore();
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const list = store.list.bind(store);
    store.list = async () => {
      const read = await list();
      await held;
      return read;
    };
    const s = service(store);
    await s.create(definition('e1'));
    const syncing = s.sync(); // reads "nothing running"…
    await new Promise((resolve) => setImmediate(resolve));
    await s.start('e1'); // …then the start happens here…
    release(); // …and only then does the sync get its (stale) answer
    await syncing;
    expect(s.route('someone', 'home')?.experiment).toBe('e1');
  });

  it('a process serves what another process started or stopped after its next sync', async () => {
    const store = new MemoryExperimentStore();
    const one = service(store);
    const two = service(store);
    await one.create(definition('e2'));
    await one.start('e2');
    expect(two.route('u', 'home')).toBeNull();
    await two.sync();
    expect(two.route('u', 'home')?.variant).toBe(one.route('u', 'home')?.variant); // the same bucket everywhere
    await one.stop('e2');
    expect(one.route('u', 'home')).toBeNull();
    await two.sync();
    expect(two.route('u', 'home')).toBeNull();
  });

  it('leaves anonymous requests and other surfaces alone', async () => {
    const s = service();
    await s.create(definition('e3'));
    await s.start('e3');
    expect(s.route('', 'home')).toBeNull();
    expect(s.route('u', 'email')).toBeNull();
    expect(s.route('u', 'home')).not.toBeNull();
  });
});
