import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { quantile, routeLatencies } from './serving-stats.js';

describe('routeLatencies', () => {
  it('merges statuses per route and estimates percentiles inside the histogram buckets', async () => {
    const h = new Histogram({ name: 't', help: 't', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.01, 0.1], registers: [new Registry()] });
    // 90 requests at 0.5 ms and 10 at 50 ms, split over two statuses of one route.
    for (let k = 0; k < 90; k++) h.observe({ method: 'GET', route: '/a', status: k % 2 ? '200' : '404' }, 0.0005);
    for (let k = 0; k < 10; k++) h.observe({ method: 'GET', route: '/a', status: '200' }, 0.05);
    h.observe({ method: 'POST', route: '/b', status: '200' }, 5); // beyond the last bucket
    const [a, b] = routeLatencies((await h.get()).values);
    expect(a).toMatchObject({ method: 'GET', route: '/a', requests: 100 });
    // The 50th of 100 lies in the first bucket [0, 1 ms]: 50/90 of the way.
    expect(a!.p50).toBeCloseTo((50 / 90) * 1, 6);
    // The 95th lies in (10 ms, 100 ms], 5 of its 10 requests in.
    expect(a!.p95).toBeCloseTo(10 + 0.5 * 90, 6);
    expect(a!.mean).toBeCloseTo((90 * 0.5 + 10 * 50) / 100, 6);
    // +Inf: reported as the largest finite bound (a lower bound).
    expect(b).toMatchObject({ route: '/b', requests: 1, p50: 100, p99: 100 });
  });

  it('quantile of an empty histogram is 0', () => {
    expect(quantile([], 0, 0.5)).toBe(0);
  });
});
