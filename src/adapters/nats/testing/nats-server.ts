import { connect } from 'nats';

/** Why NATS tests at `url` cannot run (unreachable, or JetStream off), or undefined when they can. */
export async function natsSkipReason(url: string): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: url, timeout: 1_000, maxReconnectAttempts: 0 });
    try {
      await (await nc.jetstreamManager({ timeout: 1_000 })).getAccountInfo();
      return undefined;
    } catch {
      return `JetStream is not enabled at ${url}`;
    } finally {
      await nc.close();
    }
  } catch {
    return `NATS is not reachable at ${url}`;
  }
}
