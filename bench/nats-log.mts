// Throughput of the NATS JetStream event log: append 100,000 events in batches of 5,000, then
// read them back in pages. Needs a JetStream-enabled nats-server (MAGPIE_NATS_URL, default
// nats://127.0.0.1:4222); uses a throw-away stream and deletes it afterwards.
// Usage: npx tsx bench/nats-log.mts [events] [batch] [page]
import { randomBytes } from 'node:crypto';
import { dropNatsEventLog, openNatsEventLog } from '../src/adapters/nats/index.js';
import type { FeedbackEvent } from '../src/core/index.js';

const url = process.env.MAGPIE_NATS_URL ?? 'nats://127.0.0.1:4222';
const total = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 5_000);
const pageSize = Number(process.argv[4] ?? 10_000);
const stream = `magpie-bench-${randomBytes(4).toString('hex')}`;

function makeEvent(i: number): FeedbackEvent {
  return {
    id: `evt-${i}`,
    user: `user-${i % 5_000}`,
    item: `item-${(i * 7_919) % 40_000}`,
    type: i % 10 === 0 ? 'purchase' : 'view',
    value: i % 10 === 0 ? 19.99 : null,
    timestamp: 1_700_000_000_000 + i * 1_000,
    context: { surface: 'home' },
  };
}

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en')} events/s`;

const log = await openNatsEventLog(url, { stream });
try {
  const events = Array.from({ length: total }, (_, i) => makeEvent(i));
  const bytes = Buffer.byteLength(JSON.stringify(events[0]));
  console.log(`node ${process.version}, ${total.toLocaleString('en')} events of ~${bytes} bytes, stream ${stream}`);

  let started = performance.now();
  for (let i = 0; i < total; i += batchSize) await log.append(events.slice(i, i + batchSize));
  const appendMs = performance.now() - started;
  console.log(`append, batches of ${batchSize} one after another: ${appendMs.toFixed(0)} ms, ${rate(total, appendMs)}`);

  started = performance.now();
  let read = 0;
  for (let after = 0; ; ) {
    const page = await log.read(after, pageSize);
    const last = page[page.length - 1];
    if (last === undefined) break;
    read += page.length;
    after = last.seq;
  }
  const readMs = performance.now() - started;
  if (read !== total) throw new Error(`read back ${read} of ${total} events`);
  console.log(`read, pages of ${pageSize}: ${readMs.toFixed(0)} ms, ${rate(total, readMs)}`);

  for (const limit of [100, 1_000, 10_000]) {
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const page = await log.read(r * limit, limit);
      times.push(performance.now() - t0);
      if (page.length !== limit) throw new Error(`short page: ${page.length} of ${limit}`);
    }
    console.log(`one read(after, ${limit}): median ${times.sort((a, b) => a - b)[2]!.toFixed(1)} ms`);
  }
} finally {
  await log.close();
  await dropNatsEventLog(url, { stream });
}
