// One `magpie serve` configuration under load, for comparing settings (bench/serve.mts builds the
// catalogue; pass its --keep folder). Requests cycle over the first <users> user ids.
// Usage: npx tsx bench/serve-one.mts <folder> '<config JSON>' [workers] [users]
//   e.g. npx tsx bench/serve-one.mts /tmp/serve-bench '{"serving":{"logImpressions":false}}' 1 200
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [dir = '/tmp/serve-bench', json = '{}', workers = '1', users = '200'] = process.argv.slice(2);
const config = join(dir, 'serve-one.json');
writeFileSync(config, JSON.stringify({ server: { logLevel: 'warn' }, training: { intervalMinutes: 0 }, ...JSON.parse(json) }));
const child = spawn('node', ['bin/magpie.js', 'serve', '--workers', workers, '--db', join(dir, 'serve.db'), '--port', '8293', '--no-train', '--config', config], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
await new Promise<void>((resolve) => {
  let seen = '';
  const onData = (d: Buffer): void => {
    seen += d.toString();
    if (seen.includes('Magpie is serving')) resolve();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
});
await new Promise((r) => setTimeout(r, 4000)); // every worker up, models warm
let i = 0;
const run = (seconds: number) =>
  autocannon({
    url: 'http://127.0.0.1:8293',
    connections: 32,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/api/recommend/${i++ % Number(users)}?n=20` }) }],
  });
await run(3); // warm-up (fills the cache)
const r = await run(5);
console.log(`${json} workers ${workers} users ${users}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`);
child.kill('SIGTERM');
