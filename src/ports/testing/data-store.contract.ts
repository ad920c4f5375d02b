import { describe, expect, it } from 'vitest';
import type { DataStore } from '../data-store.js';
import { registerEventContract } from './data-store-events.contract.js';
import { registerItemContract } from './data-store-items.contract.js';
import { registerUserContract } from './data-store-users.contract.js';
import { expectMagpieError, makeUser, describeContract } from './fixtures.js';
import type { ContractOptions, OpenStore } from './fixtures.js';

/**
 * The behaviour every DataStore adapter must have (see src/ports/data-store.ts). Registers vitest
 * tests; `open` must give a fresh, empty store each time it is called (one per test). Backends
 * that need a server pass { skipReason } when it is unreachable, so the skip says why.
 */
export function describeDataStoreContract(
  adapter: string,
  open: OpenStore<DataStore>,
  options?: ContractOptions,
): void {
  describeContract('DataStore', adapter, open, options, (store) => {

    describe('users', () => registerUserContract(store));
    describe('items', () => registerItemContract(store));
    describe('events', () => registerEventContract(store));

    describe('lifecycle', () => {
      it('close is idempotent, and a closed store refuses work with STORAGE_FAILED', async () => {
        await store().upsertUsers([makeUser('u1')]);
        await store().close();
        await store().close();
        await expectMagpieError(store().getUser('u1'), 'STORAGE_FAILED');
        await expectMagpieError(store().counts(), 'STORAGE_FAILED');
      });

      it('stores opened one after another start empty', async () => {
        expect(await store().counts()).toEqual({ users: 0, items: 0, events: 0 });
      });
    });
  });
}
