/**
 * A process that dies on purpose, for the durability tests. Usage:
 *   crash-child.ts <db> after-append   ingest one batch with apply stalled, print ACK, then SIGKILL
 *   crash-child.ts <db> before-commit  ingest one batch, SIGKILL when the applier commits its offset
 *   crash-child.ts <db> serve          serve HTTP on a random port and print PORT <n>
 */
import { createEngine } from '../../src/index.js';

const [db, mode] = process.argv.slice(2);
const engine = await createEngine({
  storage: { url: `sqlite:${db}` },
  server: { port: 0, host: '127.0.0.1', logLevel: 'silent' },
  training: { intervalMinutes: 0 },
  // after-append acknowledges on the append alone, the earliest moment the API may answer.
  ingest: { waitForApply: mode !== 'after-append' },
});

const batch = (prefix: string, n: number, withIds: boolean) =>
  Array.from({ length: n }, (_, i) => ({
    ...(withIds ? { id: `${prefix}-${i}` } : {}),
    user: `u${i % 97}`,
    item: `i${i % 301}`,
    type: 'like',
  }));

if (mode === 'after-append') {
  // The store never finishes applying: the process dies with the batch only in the log.
  engine.stores.data.insertEvents = () => new Promise(() => undefined);
  const acked = await engine.ingest.ingest([...batch('a', 500, true), ...batch('anon', 500, false)]);
  process.stdout.write(`ACK ${acked.firstSeq} ${acked.lastSeq}\n`);
  process.kill(process.pid, 'SIGKILL');
} else if (mode === 'before-commit') {
  // The batch reaches the store, then the process dies before recording that it did.
  engine.stores.log.commit = async () => {
    process.kill(process.pid, 'SIGKILL');
  };
  await engine.ingest.ingest(batch('b', 1000, true));
} else if (mode === 'serve') {
  const { url } = await engine.listen();
  process.stdout.write(`PORT ${new URL(url).port}\n`);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
