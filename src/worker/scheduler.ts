import { MagpieError } from '../core/index.js';

export interface TrainingSchedulerOptions<T> {
  /** 0 disables periodic runs; trigger() still works. */
  intervalMs: number;
  run: () => Promise<T>;
  onDone?: (result: T) => void | Promise<void>;
  onError?: (err: unknown) => void;
}

export type SchedulerState =
  | { state: 'idle'; lastRunAt: number | null; lastError: string | null }
  | { state: 'running'; startedAt: number; lastRunAt: number | null; lastError: string | null };

/**
 * Runs training on an interval and on demand, never two at once. A trigger while a run is in
 * progress is refused with TRAINING_IN_PROGRESS rather than queued, so callers know.
 */
export class TrainingScheduler<T> {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<T> | null = null;
  private startedAt = 0;
  private lastRunAt: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly opts: TrainingSchedulerOptions<T>) {}

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (!this.current) this.trigger().catch(() => undefined);
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Starts a run now; rejects with TRAINING_IN_PROGRESS when one is running. */
  trigger(): Promise<T> {
    if (this.current) return Promise.reject(new MagpieError('TRAINING_IN_PROGRESS'));
    this.startedAt = Date.now();
    this.current = (async () => {
      try {
        // Yield first: if run() threw synchronously, the `finally` below would otherwise clear
        // `current` before the assignment above, leaving the scheduler "running" forever.
        await undefined;
        const result = await this.opts.run();
        this.lastError = null;
        await this.opts.onDone?.(result);
        return result;
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.opts.onError?.(err);
        throw err;
      } finally {
        this.lastRunAt = Date.now();
        this.current = null;
      }
    })();
    return this.current;
  }

  /** Resolves when the run in progress (if any) ends, whatever its outcome. */
  async idle(): Promise<void> {
    await this.current?.catch(() => undefined);
  }

  status(): SchedulerState {
    const base = { lastRunAt: this.lastRunAt, lastError: this.lastError };
    return this.current ? { state: 'running', startedAt: this.startedAt, ...base } : { state: 'idle', ...base };
  }
}
