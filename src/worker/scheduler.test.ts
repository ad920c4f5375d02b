import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MagpieError } from '../core/index.js';
import { TrainingScheduler } from './scheduler.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('TrainingScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs on trigger, resolves with the result, calls onDone, and moves idle → running → idle', async () => {
    const gate = deferred<string>();
    const done: string[] = [];
    const s = new TrainingScheduler({ intervalMs: 0, run: () => gate.promise, onDone: (r) => void done.push(r) });
    expect(s.status()).toEqual({ state: 'idle', lastRunAt: null, lastError: null });
    const p = s.trigger();
    expect(s.status()).toEqual({ state: 'running', startedAt: 1_000_000, lastRunAt: null, lastError: null });
    vi.setSystemTime(1_005_000);
    gate.resolve('model-v1');
    await expect(p).resolves.toBe('model-v1');
    expect(done).toEqual(['model-v1']);
    expect(s.status()).toEqual({ state: 'idle', lastRunAt: 1_005_000, lastError: null });
  });

  it('refuses a second trigger while running with TRAINING_IN_PROGRESS, and accepts one afterwards', async () => {
    const gate = deferred<number>();
    let runs = 0;
    const s = new TrainingScheduler({
      intervalMs: 0,
      run: () => {
        runs++;
        return runs === 1 ? gate.promise : Promise.resolve(2);
      },
    });
    const first = s.trigger();
    const err = await rejection(s.trigger());
    expect(err).toBeInstanceOf(MagpieError);
    expect((err as MagpieError).code).toBe('TRAINING_IN_PROGRESS');
    expect(runs).toBe(1);
    gate.resolve(1);
    await expect(first).resolves.toBe(1);
    await expect(s.trigger()).resolves.toBe(2);
    expect(runs).toBe(2);
  });

  it('on failure rejects with the error, calls onError, records lastError, and can run again', async () => {
    const errors: unknown[] = [];
    const boom = new Error('out of memory');
    let fail = true;
    const s = new TrainingScheduler({
      intervalMs: 0,
      run: async () => {
        if (fail) throw boom;
        return 'ok';
      },
      onError: (e) => errors.push(e),
    });
    expect(await rejection(s.trigger())).toBe(boom);
    expect(errors).toEqual([boom]);
    expect(s.status()).toEqual({ state: 'idle', lastRunAt: 1_000_000, lastError: 'out of memory' });
    fail = false;
    await expect(s.trigger()).resolves.toBe('ok');
    expect(s.status().lastError).toBeNull();
  });

  it('does not stay "running" forever when run() throws synchronously', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const s = new TrainingScheduler<string>({
      intervalMs: 0,
      run: () => {
        calls++;
        if (calls === 1) throw new Error('bad params');
        return Promise.resolve('second');
      },
      onError: (e) => errors.push(e),
    });
    expect(((await rejection(s.trigger())) as Error).message).toBe('bad params');
    expect(errors).toHaveLength(1);
    expect(s.status().state).toBe('idle');
    expect(s.status().lastError).toBe('bad params');
    await expect(s.trigger()).resolves.toBe('second');
  });

  it('treats an onDone failure as a failed run', async () => {
    const errors: unknown[] = [];
    const s = new TrainingScheduler({
      intervalMs: 0,
      run: async () => 1,
      onDone: async () => {
        throw new Error('could not save');
      },
      onError: (e) => errors.push(e),
    });
    expect(((await rejection(s.trigger())) as Error).message).toBe('could not save');
    expect(errors).toHaveLength(1);
    expect(s.status().lastError).toBe('could not save');
  });

  it('idle() resolves at once without a run, and after the run ends however it ends', async () => {
    let gate = deferred<number>();
    const s = new TrainingScheduler<number>({ intervalMs: 0, run: () => gate.promise });
    await s.idle();
    const p = s.trigger().catch(() => undefined);
    let settled = false;
    const idle = s.idle().then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    gate.reject(new Error('x'));
    await idle;
    expect(settled).toBe(true);
    await p;
    gate = deferred<number>();
    const q = s.trigger();
    gate.resolve(3);
    await s.idle();
    await expect(q).resolves.toBe(3);
  });

  it('start() runs on the interval, skips a tick while a run is in progress, and stop() stops it', async () => {
    const gates: Array<Deferred<number>> = [];
    const s = new TrainingScheduler<number>({
      intervalMs: 1000,
      run: () => {
        const g = deferred<number>();
        gates.push(g);
        return g.promise;
      },
    });
    s.start();
    s.start(); // a second start does not add a second timer
    await vi.advanceTimersByTimeAsync(999);
    expect(gates).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(gates).toHaveLength(1);
    // Still running at the next two ticks: no second run, and no unhandled rejection either.
    await vi.advanceTimersByTimeAsync(2000);
    expect(gates).toHaveLength(1);
    gates[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(gates).toHaveLength(2);
    gates[1]!.resolve(2);
    s.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(gates).toHaveLength(2);
  });

  it('a run refused because another process trains is a skip: onSkipped, no lastError, no lastRunAt', async () => {
    const skipped: string[] = [];
    const errors: unknown[] = [];
    let busy = true;
    const s = new TrainingScheduler<number>({
      intervalMs: 0,
      run: async () => {
        if (busy) throw new MagpieError('TRAINING_IN_PROGRESS', 'another process is training');
        return 1;
      },
      onSkipped: (reason) => skipped.push(reason),
      onError: (e) => errors.push(e),
    });
    const err = await rejection(s.trigger());
    expect((err as MagpieError).code).toBe('TRAINING_IN_PROGRESS');
    expect(skipped).toEqual(['another process is training']);
    expect(errors).toEqual([]);
    expect(s.status()).toEqual({ state: 'idle', lastRunAt: null, lastError: null });
    busy = false;
    await expect(s.trigger()).resolves.toBe(1);
    expect(s.status().lastRunAt).toBe(1_000_000);
  });

  it('asks skipReason before each periodic run (never before trigger) and skips the run when it gives one', async () => {
    const skipped: string[] = [];
    let reason: string | null = 'models are fresh';
    let asked = 0;
    const run = vi.fn(async () => 1);
    const s = new TrainingScheduler({
      intervalMs: 1000,
      run,
      skipReason: async () => {
        asked++;
        return reason;
      },
      onSkipped: (r) => skipped.push(r),
    });
    await s.trigger();
    expect(asked).toBe(0);
    expect(run).toHaveBeenCalledTimes(1);
    s.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toBe(1);
    expect(skipped).toEqual(['models are fresh']);
    expect(run).toHaveBeenCalledTimes(1);
    reason = null;
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    s.stop();
  });

  it('intervalMs 0 never runs by itself', async () => {
    const run = vi.fn(async () => 1);
    const s = new TrainingScheduler({ intervalMs: 0, run });
    s.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run).not.toHaveBeenCalled();
  });
});
