// The ceiling for bench/serve.mts: a bare node:http server answering a small JSON body, on the
// same number of processes (node:cluster) as the engine under test.
// Usage: node bench/hello-cluster.mjs <port> <workers>
import cluster from 'node:cluster';
import http from 'node:http';

const port = Number(process.argv[2] ?? 8090);
const workers = Number(process.argv[3] ?? 2);
if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const body = JSON.stringify({ hello: 'world' });
  http
    .createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    })
    .listen(port, '127.0.0.1');
}
