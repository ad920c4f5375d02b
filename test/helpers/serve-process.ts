// `magpie serve` as a real child process, for tests that must kill it. It runs the CLI from
// TypeScript source (test/helpers/magpie.ts through tsx), so a test never exercises a stale
// dist/; the process, its HTTP server and its stores are the same as the published binary's.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ENTRY = join(import.meta.dirname, 'magpie.ts');
// The tsx loader by absolute URL, so the child finds it whatever its working directory.
const TSX = import.meta.resolve('tsx');
/** Keeps the end of the output only: enough to say why a server did not start. */
const OUTPUT_TAIL = 8_000;

export interface ServeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  output(): string;
  /** Resolves when the process has exited, with the signal that ended it (null on a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
}

/**
 * Starts `magpie serve --storage <url>` on a free port of 127.0.0.1 and resolves once it answers
 * (the CLI prints its URL after listen, and start-up has by then applied what the log holds).
 */
export function startServe(storageUrl: string, extraArgs: string[] = [], timeoutMs = 60_000): Promise<ServeProcess> {
  const args = ['--import', TSX, ENTRY, 'serve', '--storage', storageUrl, '--host', '127.0.0.1', '--port', '0', '--no-train', ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`magpie serve did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
      const m = /Magpie is serving on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        // Keep draining the pipes so that a chatty server never blocks on a full one.
        child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-OUTPUT_TAIL)));
        child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-OUTPUT_TAIL)));
        resolve({ child, url: m[1]!, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((signal) => {
      clearTimeout(timer);
      reject(new Error(`magpie serve exited (${signal ?? child.exitCode}) before serving:\n${output}`));
    });
  });
}

/** SIGTERM (a clean shutdown) and wait; SIGKILL if it has not ended after `graceMs`. */
export async function stopServe(server: ServeProcess, graceMs = 20_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}
