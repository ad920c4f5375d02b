import { describeDataStoreContract, describeEventLogContract, describeModelStoreContract, describeImpressionStoreContract, describeExperimentStoreContract } from '../../ports/testing/index.js';
import { createMemoryStores } from './index.js';

describeDataStoreContract('memory', async () => {
  const stores = createMemoryStores();
  return { store: stores.data, close: () => stores.close() };
});

describeEventLogContract('memory', async () => {
  const stores = createMemoryStores();
  return { store: stores.log, close: () => stores.close() };
});

describeModelStoreContract('memory', async () => {
  const stores = createMemoryStores();
  return { store: stores.models, close: () => stores.close() };
});

describeImpressionStoreContract('memory', async () => {
  const stores = createMemoryStores();
  return { store: stores.impressions, close: () => stores.close() };
});

describeExperimentStoreContract('memory', async () => {
  const stores = createMemoryStores();
  return { store: stores.experiments, close: () => stores.close() };
});
