import type { Histogram } from 'prom-client';

/** Latency of one route since this process started, from the request histogram (ms). */
export interface RouteLatency {
  method: string;
  route: string;
  requests: number;
  /** Estimated like Prometheus's histogram_quantile: linear inside the bucket holding the rank. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

type HistogramValues = Awaited<ReturnType<Histogram['get']>>['values'];

/**
 * Per route (method + pattern, all statuses together): request count, mean and the 50th, 95th
 * and 99th percentile latency in ms, busiest route first. A quantile that falls in the +Inf
 * bucket is reported as the largest finite bound (a lower bound of the truth).
 */
export function routeLatencies(values: HistogramValues): RouteLatency[] {
  const routes = new Map<string, { method: string; route: string; buckets: Map<number, number>; sum: number; count: number }>();
  for (const v of values) {
    const method = String(v.labels['method'] ?? '');
    const route = String(v.labels['route'] ?? '');
    const key = `${method} ${route}`;
    let r = routes.get(key);
    if (!r) routes.set(key, (r = { method, route, buckets: new Map(), sum: 0, count: 0 }));
    const name = (v as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_bucket')) {
      const le = v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le']);
      r.buckets.set(le, (r.buckets.get(le) ?? 0) + v.value);
    } else if (name.endsWith('_sum')) r.sum += v.value;
    else if (name.endsWith('_count')) r.count += v.value;
  }
  const out: RouteLatency[] = [];
  for (const r of routes.values()) {
    if (r.count === 0) continue;
    const cumulative = [...r.buckets].sort((a, b) => a[0] - b[0]);
    const q = (p: number) => quantile(cumulative, r.count, p) * 1000;
    out.push({ method: r.method, route: r.route, requests: r.count, p50: q(0.5), p95: q(0.95), p99: q(0.99), mean: (r.sum / r.count) * 1000 });
  }
  return out.sort((a, b) => b.requests - a.requests || (a.route < b.route ? -1 : 1));
}

/** The p-quantile (seconds) of cumulative bucket counts sorted by upper bound. */
export function quantile(cumulative: readonly (readonly [number, number])[], total: number, p: number): number {
  const rank = p * total;
  let lower = 0;
  let below = 0;
  let largestFinite = 0;
  for (const [bound, count] of cumulative) {
    if (Number.isFinite(bound)) largestFinite = bound;
    if (count >= rank && count > below) {
      if (!Number.isFinite(bound)) return largestFinite;
      return lower + ((bound - lower) * (rank - below)) / (count - below);
    }
    lower = bound;
    below = count;
  }
  return largestFinite;
}
