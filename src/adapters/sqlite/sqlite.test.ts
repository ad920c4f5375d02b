import { describeDataStoreContract, describeEventLogContract, describeModelStoreContract, describeImpressionStoreContract, describeExperimentStoreContract } from '../../ports/testing/index.js';
import { openSqliteStores } from './index.js';

// ':memory:' gives each test its own private database with the same schema, pragmas and
// statements as a file; file-specific behaviour is covered in sqlite-file.test.ts.
describeDataStoreContract('sqlite', async () => {
  const stores = openSqliteStores(':memory:');
  return { store: stores.data, close: () => stores.close() };
});

describeEventLogContract('sqlite', async () => {
  const stores = openSqliteStores(':memory:');
  return { store: stores.log, close: () => stores.close() };
});

describeModelStoreContract('sqlite', async () => {
  const stores = openSqliteStores(':memory:');
  return { store: stores.models, close: () => stores.close() };
});

describeImpressionStoreContract('sqlite', async () => {
  const stores = openSqliteStores(':memory:');
  return { store: stores.impressions, close: () => stores.close() };
});

describeExperimentStoreContract('sqlite', async () => {
  const stores = openSqliteStores(':memory:');
  return { store: stores.experiments, close: () => stores.close() };
});
