import type { CacheStore } from '../ports/index.js';

/** The counter set and key that count catalogue changes in the shared cache. */
const COUNTER_SET = 'catalog-changes';
const COUNTER_KEY = 'all';

/**
 * Keeps the in-memory catalogue of several server processes in step through the shared cache.
 * A process that writes items counts the change in a shared counter (after the store commit);
 * every process polls the counter and reloads its catalogue whole when the count moved. Without
 * it, an item created through one server would be a bare, uncategorised id to the others (they
 * learn item ids from events only), and their filters, rules and diversity would differ.
 *
 * A change whose count could not be sent (the cache is down) is sent again at the next poll.
 * A counter lost with a restarted cache reads differently too, so that also triggers a reload.
 */
export class CatalogSync {
  private seen: number | undefined;
  private unsent = false;
  private started = false;

  constructor(
    private readonly cache: CacheStore,
    private readonly reload: () => Promise<void>,
  ) {}

  /** Counts a change made by this process (call after the store write); never rejects. */
  async changed(): Promise<void> {
    this.unsent = true;
    await this.send().catch(() => undefined);
  }

  /**
   * Reloads the catalogue when another process changed items since the last poll (or when the
   * count could not be read before). Call once before the catalogue's first load.
   */
  async poll(): Promise<void> {
    if (this.unsent) await this.send();
    const top = await this.cache.topCounters(COUNTER_SET, 1);
    const count = top[0]?.count ?? 0;
    if (!this.started) {
      // The first poll comes before the catalogue's first load: nothing to reload yet.
      this.started = true;
      this.seen = count;
      return;
    }
    if (count === this.seen) return;
    await this.reload();
    this.seen = count;
  }

  private async send(): Promise<void> {
    this.unsent = false;
    try {
      await this.cache.incrementCounters(COUNTER_SET, new Map([[COUNTER_KEY, 1]]));
    } catch (err) {
      this.unsent = true;
      throw err;
    }
  }
}
