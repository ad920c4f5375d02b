import { MagpieError } from '../../core/index.js';
import type { Experiment, ShadowList, VariantHealth } from '../../ports/index.js';

/** The state-change rules every ExperimentStore adapter applies the same way. */

export function experimentNotFound(id: string): MagpieError {
  return new MagpieError('EXPERIMENT_NOT_FOUND', `no experiment "${id}"`, { id });
}

export function experimentIdTaken(id: string): MagpieError {
  return new MagpieError('EXPERIMENT_CONFLICT', `an experiment "${id}" exists already`, { id });
}

export function surfaceBusy(e: Pick<Experiment, 'id' | 'surface'>): MagpieError {
  return new MagpieError('EXPERIMENT_CONFLICT', `another experiment is running on surface "${e.surface}"; stop it first`, {
    id: e.id,
    surface: e.surface,
  });
}

/** draft → running; anything else is a conflict. */
export function startedExperiment(e: Experiment, at: number): Experiment {
  if (e.status !== 'draft') {
    throw new MagpieError('EXPERIMENT_CONFLICT', `experiment "${e.id}" is ${e.status}; only a draft can start`, { id: e.id, status: e.status });
  }
  return { ...e, status: 'running', startedAt: at };
}

/** draft or running → stopped; null when it was stopped already (the first stop's reason stays). */
export function stoppedExperiment(e: Experiment, at: number, reason: string): Experiment | null {
  if (e.status === 'stopped') return null;
  return { ...e, status: 'stopped', stoppedAt: at, stopReason: reason };
}

/** Newest first, ties by id: the order list() promises. */
export function byNewest(a: Experiment, b: Experiment): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Health totals as rows keyed (variant, metric): requests, errors, and one per latency bucket. */
export function healthRows(deltas: readonly VariantHealth[]): { variant: string; metric: string; count: number }[] {
  const rows: { variant: string; metric: string; count: number }[] = [];
  for (const d of deltas) {
    if (d.requests !== 0) rows.push({ variant: d.variant, metric: 'requests', count: d.requests });
    if (d.errors !== 0) rows.push({ variant: d.variant, metric: 'errors', count: d.errors });
    d.latency.forEach((c, i) => {
      if (c !== 0) rows.push({ variant: d.variant, metric: `latency:${i}`, count: c });
    });
  }
  return rows;
}

/** The inverse of healthRows. */
export function healthFromRows(rows: Iterable<{ variant: string; metric: string; count: number }>): VariantHealth[] {
  const byVariant = new Map<string, VariantHealth>();
  for (const r of rows) {
    let h = byVariant.get(r.variant);
    if (!h) byVariant.set(r.variant, (h = { variant: r.variant, requests: 0, errors: 0, latency: [] }));
    if (r.metric === 'requests') h.requests += r.count;
    else if (r.metric === 'errors') h.errors += r.count;
    else if (r.metric.startsWith('latency:')) {
      const i = Number(r.metric.slice('latency:'.length));
      while (h.latency.length <= i) h.latency.push(0);
      h.latency[i]! += r.count;
    }
  }
  return [...byVariant.values()];
}

/** A stored shadow row (either backend's column names) as a ShadowList. */
export function shadowListOf(
  row: { experiment_id: string; variant: string; user_id: string; ts: number | string; request_id: string },
  shown: string[],
  shadow: string[],
): ShadowList {
  return { experiment: row.experiment_id, variant: row.variant, user: row.user_id, time: Number(row.ts), requestId: row.request_id, shown, shadow };
}
