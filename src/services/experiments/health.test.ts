import { describe, expect, it } from 'vitest';
import { bucketUpperMs, canaryVerdict, HealthRecorder, latencyBucket, quantileMs, summarise } from './health.js';

const policy = { maxErrorRateDelta: 0.02, maxLatencyRatio: 1.5, minRequests: 100 };

function healthOf(requests: number, errors: number, ms: number) {
  const r = new HealthRecorder();
  for (let i = 0; i < requests; i++) r.record('e', 'v', ms, i < errors);
  return summarise(r.take().get('e')![0]);
}

describe('variant health', () => {
  it('buckets latencies geometrically, to within 10 %', () => {
    for (const ms of [0.05, 0.8, 3, 47, 1200]) {
      const upper = bucketUpperMs(latencyBucket(ms));
      expect(upper).toBeGreaterThanOrEqual(ms);
      expect(upper).toBeLessThan(ms * 1.1 + 1e-9);
    }
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1e9)).toBe(169);
  });

  it('reads the p95 off the histogram', () => {
    const latency = new Array<number>(170).fill(0);
    latency[latencyBucket(1)] = 95;
    latency[latencyBucket(50)] = 5;
    expect(quantileMs(latency, 0.95)).toBeCloseTo(bucketUpperMs(latencyBucket(1)), 10);
    latency[latencyBucket(50)] = 6;
    expect(quantileMs(latency, 0.95)).toBeCloseTo(bucketUpperMs(latencyBucket(50)), 10);
    expect(quantileMs([], 0.95)).toBeNull();
  });

  it('sums what it records and gives back deltas whose report failed', () => {
    const r = new HealthRecorder();
    r.record('e', 'a', 1, false);
    r.record('e', 'a', 2, true);
    const taken = r.take().get('e')!;
    expect(taken[0]).toMatchObject({ variant: 'a', requests: 2, errors: 1 });
    expect(r.take().size).toBe(0);
    r.restore('e', taken);
    r.record('e', 'a', 1, false);
    expect(r.take().get('e')![0]).toMatchObject({ requests: 3, errors: 1 });
  });
});

describe('canary verdict', () => {
  it('waits for minRequests on both sides', () => {
    expect(canaryVerdict('c', policy, healthOf(500, 0, 1), healthOf(99, 99, 1))).toBeNull();
    expect(canaryVerdict('c', policy, healthOf(99, 0, 1), healthOf(500, 500, 1))).toBeNull();
  });

  it('stops on an error rate worse by more than the margin', () => {
    expect(canaryVerdict('c', policy, healthOf(1000, 10, 1), healthOf(100, 2, 1))).toBeNull(); // +1 point
    expect(canaryVerdict('c', policy, healthOf(1000, 10, 1), healthOf(100, 5, 1))).toMatch(/error rate 5\.00 % against the control's 1\.00 %/);
  });

  it('stops on a p95 latency above the allowed ratio', () => {
    expect(canaryVerdict('c', policy, healthOf(200, 0, 2), healthOf(200, 0, 2.8))).toBeNull();
    expect(canaryVerdict('c', policy, healthOf(200, 0, 2), healthOf(200, 0, 40))).toMatch(/p95 latency 4\d\.\d\d ms against the control's 2\.\d\d ms/);
  });
});
