import { Events } from 'nats';
import type { NatsConnection } from 'nats';
import type { MagpieError } from '../../core/index.js';
import { natsUnavailable } from './nats-errors.js';

/**
 * Follows a connection's status so that work fails fast during an outage. The client keeps
 * reconnecting by itself, but a request sent just before the connection dropped would wait for
 * its full timeout: guard() fails it as soon as the drop is seen, and while the connection is
 * down `connected` is false so callers refuse new work at once.
 */
export class ConnectionWatch {
  private up = true;
  private outage = armOutage();

  constructor(nc: NatsConnection, onDisconnect: () => void) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Disconnect) {
          this.up = false;
          this.outage.reject(natsUnavailable('request', new Error('the connection to NATS dropped')));
          this.outage = armOutage();
          onDisconnect();
        } else if (status.type === Events.Reconnect) {
          this.up = true;
        }
      }
    })();
  }

  get connected(): boolean {
    return this.up;
  }

  /** Settles like `work`, unless the connection is down or drops first: then rejects UNAVAILABLE. */
  guard<T>(work: () => Promise<T>): Promise<T> {
    if (!this.up) return Promise.reject(natsUnavailable('request', new Error('disconnected, reconnecting')));
    return Promise.race([work(), this.outage.promise]);
  }
}

function armOutage(): { promise: Promise<never>; reject: (err: MagpieError) => void } {
  let reject: (err: MagpieError) => void = () => undefined;
  const promise = new Promise<never>((_, fail) => {
    reject = fail;
  });
  promise.catch(() => undefined); // an outage nobody was waiting on is not an unhandled rejection
  return { promise, reject };
}
