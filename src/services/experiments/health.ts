import type { CanaryPolicy, VariantHealth } from '../../ports/index.js';

/**
 * Serving health per variant (lists computed, failures, latency) and the canary rule. Latency is
 * a histogram with geometric buckets: bucket i holds (LOW·G^(i−1), LOW·G^i] ms, bucket 0 anything
 * up to LOW. Histograms from many processes add up exactly, which percentiles would not; the
 * price is a resolution of ±5 % (G = 1.1) on a p95.
 */
const LOW_MS = 0.01;
const GROWTH = 1.1;
export const LATENCY_BUCKETS = 170; // the last upper bound is ~ 0.01 · 1.1^169 ≈ 100 s; slower lands there too

export function latencyBucket(ms: number): number {
  if (!(ms > LOW_MS)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.ceil(Math.log(ms / LOW_MS) / Math.log(GROWTH)));
}

/** The upper bound (ms) of a bucket. */
export function bucketUpperMs(i: number): number {
  return LOW_MS * GROWTH ** i;
}

/** The q-quantile (0 < q ≤ 1) of a histogram as its bucket's upper bound; null when empty. */
export function quantileMs(latency: readonly number[], q: number): number | null {
  const total = latency.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    seen += latency[i]!;
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(latency.length - 1);
}

/** A process's health counts since its last report, per experiment and variant. */
export class HealthRecorder {
  private pending = new Map<string, Map<string, VariantHealth>>();

  record(experiment: string, variant: string, ms: number, failed: boolean): void {
    let byVariant = this.pending.get(experiment);
    if (!byVariant) this.pending.set(experiment, (byVariant = new Map()));
    let h = byVariant.get(variant);
    if (!h) byVariant.set(variant, (h = { variant, requests: 0, errors: 0, latency: new Array<number>(LATENCY_BUCKETS).fill(0) }));
    h.requests++;
    if (failed) h.errors++;
    h.latency[latencyBucket(ms)]!++;
  }

  /** Everything recorded since the last take, by experiment; the recorder starts over. */
  take(): Map<string, VariantHealth[]> {
    const out = new Map([...this.pending].map(([id, byVariant]) => [id, [...byVariant.values()]]));
    this.pending = new Map();
    return out;
  }

  /** Puts deltas back (their report failed), so they count in the next one. */
  restore(experiment: string, deltas: readonly VariantHealth[]): void {
    for (const d of deltas) {
      let byVariant = this.pending.get(experiment);
      if (!byVariant) this.pending.set(experiment, (byVariant = new Map()));
      const h = byVariant.get(d.variant);
      if (!h) {
        byVariant.set(d.variant, { ...d, latency: [...d.latency] });
        continue;
      }
      h.requests += d.requests;
      h.errors += d.errors;
      d.latency.forEach((c, i) => (h.latency[i] = (h.latency[i] ?? 0) + c));
    }
  }
}

export interface HealthSummary {
  requests: number;
  errors: number;
  errorRate: number;
  /** p95 latency of computed lists (ms), null before any. */
  p95Ms: number | null;
}

export function summarise(h: VariantHealth | undefined): HealthSummary {
  if (!h) return { requests: 0, errors: 0, errorRate: 0, p95Ms: null };
  return { requests: h.requests, errors: h.errors, errorRate: h.requests > 0 ? h.errors / h.requests : 0, p95Ms: quantileMs(h.latency, 0.95) };
}

/**
 * Why a canary must stop, or null while it may go on. Judged only once both it and the control
 * have computed at least minRequests lists: before that one slow request would decide.
 */
export function canaryVerdict(name: string, policy: CanaryPolicy, control: HealthSummary, canary: HealthSummary): string | null {
  if (canary.requests < policy.minRequests || control.requests < policy.minRequests) return null;
  const delta = canary.errorRate - control.errorRate;
  if (delta > policy.maxErrorRateDelta) {
    return (
      `canary "${name}" stopped: error rate ${pct(canary.errorRate)} against the control's ${pct(control.errorRate)} ` +
      `(+${pct(delta)} > ${pct(policy.maxErrorRateDelta)} allowed) after ${canary.requests} requests`
    );
  }
  if (canary.p95Ms !== null && control.p95Ms !== null && canary.p95Ms > control.p95Ms * policy.maxLatencyRatio) {
    return (
      `canary "${name}" stopped: p95 latency ${canary.p95Ms.toFixed(2)} ms against the control's ${control.p95Ms.toFixed(2)} ms ` +
      `(${(canary.p95Ms / control.p95Ms).toFixed(2)}× > ${policy.maxLatencyRatio}× allowed) after ${canary.requests} requests`
    );
  }
  return null;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}
