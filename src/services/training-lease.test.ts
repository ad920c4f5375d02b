import { describe, expect, it } from 'vitest';
import { MemoryModelStore } from '../adapters/memory/index.js';
import { ManualClock } from '../core/index.js';
import { expectMagpieError } from '../ports/testing/fixtures.js';
import { TRAINING_LEASE, newTrainerId, withTrainingLease } from './training-lease.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function gate(): { promise: Promise<string>; open: (v: string) => void; fail: (e: Error) => void } {
  let open!: (v: string) => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { promise, open, fail };
}

describe('withTrainingLease', () => {
  it('runs while holding the lease, keeps renewing it past its ttl, and releases it at the end', async () => {
    const models = new MemoryModelStore();
    const g = gate();
    const run = withTrainingLease(models, 'a', () => g.promise, { ttlMs: 90 });
    await sleep(250); // nearly three ttls: held only because it was renewed
    expect(await models.acquireLease(TRAINING_LEASE, 'b', 60_000)).toBe(false);
    g.open('trained');
    await expect(run).resolves.toBe('trained');
    expect(await models.acquireLease(TRAINING_LEASE, 'b', 60_000)).toBe(true);
  });

  it('refuses with TRAINING_IN_PROGRESS, without running, while another holder has the lease', async () => {
    const models = new MemoryModelStore();
    await models.acquireLease(TRAINING_LEASE, 'elsewhere', 60_000);
    let ran = false;
    const err = await expectMagpieError(
      withTrainingLease(models, 'a', async () => {
        ran = true;
      }),
      'TRAINING_IN_PROGRESS',
    );
    expect(err.message).toMatch(/another process is training/);
    expect(ran).toBe(false);
  });

  it('releases the lease when the run fails, and passes the failure on', async () => {
    const models = new MemoryModelStore();
    const g = gate();
    const run = withTrainingLease(models, 'a', () => g.promise, { ttlMs: 60_000 });
    await sleep(10);
    g.fail(new Error('out of memory'));
    await expect(run).rejects.toThrow('out of memory');
    expect(await models.acquireLease(TRAINING_LEASE, 'b', 60_000)).toBe(true);
  });

  it('says so when the lease was lost to another trainer, and does not take it back from it', async () => {
    const clock = new ManualClock(1_000_000);
    const models = new MemoryModelStore(clock);
    const logged: string[] = [];
    const g = gate();
    const run = withTrainingLease(models, 'a', () => g.promise, { ttlMs: 60, log: (_level, msg) => logged.push(msg) });
    clock.advance(61); // a stall longer than the ttl, as seen by the store
    expect(await models.acquireLease(TRAINING_LEASE, 'b', 60_000)).toBe(true);
    await sleep(100); // at least two renewal attempts
    g.open('done');
    await run;
    expect(logged.filter((m) => /another process took it/.test(m))).toHaveLength(1);
    expect(await models.acquireLease(TRAINING_LEASE, 'c', 60)).toBe(false);
  });

  it('gives every engine a holder id of its own, naming host and process', () => {
    const a = newTrainerId();
    expect(a).not.toBe(newTrainerId());
    expect(a).toContain(`:${process.pid}:`);
  });
});
