import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';

/**
 * A backend server process a test starts itself (redis-server, nats-server) so it can kill and
 * restart it to check how an adapter behaves in an outage. Only ever listens on 127.0.0.1.
 */
export class SpawnedServer {
  private child: ChildProcess | undefined;

  constructor(
    readonly binary: string,
    private readonly args: (port: number) => string[],
    readonly port: number,
  ) {}

  static available(binary: string): boolean {
    return existsSync(binary);
  }

  /** Starts the process and waits until its port accepts connections. */
  async start(readyTimeoutMs = 10_000): Promise<void> {
    if (this.child !== undefined) throw new Error(`${this.binary} is already running`);
    const child = spawn(this.binary, this.args(this.port), { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`${this.binary} exited with ${child.exitCode} while starting`);
      if (Date.now() > deadline) throw new Error(`${this.binary} did not listen on ${this.port} within ${readyTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops (SIGSTOP) or continues (SIGCONT) the process: a server that hangs with its socket open. */
  freeze(frozen: boolean): void {
    this.child?.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Kills the process outright (as a crash would) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
