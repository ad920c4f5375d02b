import { isMagpieError, MagpieError } from '../core/index.js';

export interface TrainingSchedulerOptions<T> {
  /** 0 disables periodic runs; trigger() still works. */
  intervalMs: number;
  /** Rejecting with TRAINING_IN_PROGRESS (training elsewhere) is a skipped run, not a failed one. */
  run: () => Promise<T>;
  /** Asked before each periodic run (not before trigger()): a reason to skip it, or null to run. */
  skipReason?: () => Promise<string | null>;
  onDone?: (result: T) => void | Promise<void>;
  onError?: (err: unknown) => void;
  /** A run that did not happen: skipReason gave a reason, or run() found training in progress elsewhere. */
  onSkipped?: (reason: string) => void;
}

export type SchedulerState =
  | { state: 'idle'; lastRunAt: number | null; lastError: string | null }
  | { state: 'running'; startedAt: number; lastRunAt: number | null; lastError: string | null };

/**
 * Runs training on an interval and on demand, never two at once in this process. A trigger while
 * a run is in progress is refused with TRAINING_IN_PROGRESS rather than queued, so callers know;
 * run() refuses the same way when another process trains (the training lease).
 */
export class TrainingScheduler<T> {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<T> | null = null;
  private startedAt = 0;
  private lastRunAt: number | null = null;
  private lastError: string | null = null;
  private checking = false;

  constructor(private readonly opts: TrainingSchedulerOptions<T>) {}

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** One periodic run, unless one is running or skipReason says not now. */
  private async tick(): Promise<void> {
    if (this.current || this.checking) return;
    if (this.opts.skipReason) {
      this.checking = true;
      try {
        const reason = await this.opts.skipReason();
        if (reason !== null) {
          this.opts.onSkipped?.(reason);
          return;
        }
      } catch (err) {
        this.opts.onError?.(err);
        return;
      } finally {
        this.checking = false;
      }
    }
    // A trigger() that came in meanwhile wins; this run is then refused, which is fine.
    this.trigger().catch(() => undefined);
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
      let ran = true;
      try {
        // Yield first: if run() threw synchronously, the `finally` below would otherwise clear
        // `current` before the assignment above, leaving the scheduler "running" forever.
        await undefined;
        const result = await this.opts.run();
        this.lastError = null;
        await this.opts.onDone?.(result);
        return result;
      } catch (err) {
        if (isMagpieError(err) && err.code === 'TRAINING_IN_PROGRESS') {
          // Another process is training: nothing ran here, so nothing is recorded as a run.
          ran = false;
          this.opts.onSkipped?.(err.message);
        } else {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.opts.onError?.(err);
        }
        throw err;
      } finally {
        if (ran) this.lastRunAt = Date.now();
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
