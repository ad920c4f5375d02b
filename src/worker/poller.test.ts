import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPoller } from './poller.js';

describe('startPoller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks every interval, the first one after one interval', async () => {
    const tick = vi.fn(async () => undefined);
    const stop = startPoller(100, tick, () => undefined);
    expect(tick).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(tick).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(tick).toHaveBeenCalledTimes(5);
    stop();
  });

  it('never overlaps: the next interval starts when a slow tick ends', async () => {
    let running = 0;
    let maxRunning = 0;
    const starts: number[] = [];
    const tick = async (): Promise<void> => {
      starts.push(Date.now());
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 250));
      running--;
    };
    const t0 = Date.now();
    const stop = startPoller(100, tick, () => undefined);
    await vi.advanceTimersByTimeAsync(1000);
    stop();
    expect(maxRunning).toBe(1);
    // Starts at 100, then each 250 ms tick plus a 100 ms pause: 100, 450, 800.
    expect(starts.map((t) => t - t0)).toEqual([100, 450, 800]);
  });

  it('hands errors (rejections and synchronous throws) to onError and keeps going', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const tick = (): Promise<unknown> => {
      n++;
      if (n === 1) return Promise.reject(new Error('first'));
      if (n === 2) throw new Error('second');
      return Promise.resolve();
    };
    const stop = startPoller(10, tick, (e) => errors.push(e));
    await vi.advanceTimersByTimeAsync(50);
    stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['first', 'second']);
    expect(n).toBe(5);
  });

  it('stop() before the first tick means no tick at all', async () => {
    const tick = vi.fn(async () => undefined);
    const stop = startPoller(100, tick, () => undefined);
    stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(tick).not.toHaveBeenCalled();
  });

  it('stop() during a tick lets it finish but schedules no other', async () => {
    let release!: () => void;
    const tick = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    const stop = startPoller(100, tick, () => undefined);
    await vi.advanceTimersByTimeAsync(100);
    expect(tick).toHaveBeenCalledTimes(1);
    stop();
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(tick).toHaveBeenCalledTimes(1);
  });
});
