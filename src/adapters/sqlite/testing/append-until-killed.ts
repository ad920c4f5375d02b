/**
 * Child process of durability.test.ts: appends batches to the EventLog of the database file
 * given as argv[2] and, after each append has resolved (been acknowledged), prints
 * "<last seq> <id of the last event>" on stdout. It continues from the log's head, so it can be
 * run again on the same file after a kill. It stops by itself after argv[4] ms in case its
 * parent died without killing it.
 *
 * Usage: node --import tsx append-until-killed.ts <db file> <batch size> <max ms>
 */
import { openSqliteStores } from '../index.js';
import { durabilityEvent } from './durability-events.js';

const [path, batchArg, maxMsArg] = process.argv.slice(2);
if (path === undefined || batchArg === undefined || maxMsArg === undefined) {
  process.stderr.write('usage: append-until-killed.ts <db file> <batch size> <max ms>\n');
  process.exit(2);
}
const batchSize = Number(batchArg);
const deadline = Date.now() + Number(maxMsArg);

const stores = openSqliteStores(path);
let next = await stores.log.head();
while (Date.now() < deadline) {
  const batch = Array.from({ length: batchSize }, (_, i) => durabilityEvent(next + i));
  const { last } = await stores.log.append(batch);
  next += batchSize;
  // Writes to a pipe are synchronous on Linux: the line has left this process before the next
  // append starts, so every line the parent reads is an acknowledged append.
  process.stdout.write(`${last} ${batch[batch.length - 1]?.id}\n`);
}
await stores.close();
