import { describeDataStoreContract, describeEventLogContract, describeModelStoreContract, describeImpressionStoreContract, describeExperimentStoreContract } from '../../ports/testing/index.js';
import { openTestStores, postgresSkipReason } from './testing/pg-test-env.js';

// Every contract suite against the Postgres server at MAGPIE_TEST_POSTGRES_URL (default: the
// local one). Each test gets a schema of its own, migrated on open and dropped on close.
const skipReason = await postgresSkipReason();
const options = { skipReason };

describeDataStoreContract('postgres', async () => {
  const t = await openTestStores();
  return { store: t.stores.data, close: () => t.close() };
}, options);

describeEventLogContract('postgres', async () => {
  const t = await openTestStores();
  return { store: t.stores.log, close: () => t.close() };
}, options);

describeModelStoreContract('postgres', async () => {
  const t = await openTestStores();
  return { store: t.stores.models, close: () => t.close() };
}, options);

describeImpressionStoreContract('postgres', async () => {
  const t = await openTestStores();
  return { store: t.stores.impressions, close: () => t.close() };
}, options);

describeExperimentStoreContract('postgres', async () => {
  const t = await openTestStores();
  return { store: t.stores.experiments, close: () => t.close() };
}, options);
