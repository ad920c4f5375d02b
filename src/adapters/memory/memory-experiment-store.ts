import type { Experiment, ExperimentStore, ShadowList, VariantHealth } from '../../ports/index.js';
import {
  byNewest,
  experimentIdTaken,
  experimentNotFound,
  healthFromRows,
  healthRows,
  startedExperiment,
  stoppedExperiment,
  storeClosedError,
  surfaceBusy,
} from '../shared/index.js';

/** ExperimentStore in process memory; records are copied in and out. */
export class MemoryExperimentStore implements ExperimentStore {
  private readonly experiments = new Map<string, Experiment>();
  private readonly health_ = new Map<string, Map<string, number>>();
  private readonly shadow = new Map<string, ShadowList[]>();
  private closed = false;

  async create(experiment: Experiment): Promise<void> {
    this.assertOpen();
    if (this.experiments.has(experiment.id)) throw experimentIdTaken(experiment.id);
    this.experiments.set(experiment.id, structuredClone(experiment));
  }

  async get(id: string): Promise<Experiment | null> {
    this.assertOpen();
    const e = this.experiments.get(id);
    return e ? structuredClone(e) : null;
  }

  async list(): Promise<Experiment[]> {
    this.assertOpen();
    return [...this.experiments.values()].map((e) => structuredClone(e)).sort(byNewest);
  }

  async start(id: string, at: number): Promise<Experiment> {
    this.assertOpen();
    const e = this.experiments.get(id);
    if (!e) throw experimentNotFound(id);
    const started = startedExperiment(e, at);
    for (const other of this.experiments.values()) {
      if (other.status === 'running' && other.surface === e.surface) throw surfaceBusy(e);
    }
    this.experiments.set(id, started);
    return structuredClone(started);
  }

  async stop(id: string, at: number, reason: string): Promise<{ experiment: Experiment; changed: boolean }> {
    this.assertOpen();
    const e = this.experiments.get(id);
    if (!e) throw experimentNotFound(id);
    const stopped = stoppedExperiment(e, at, reason);
    if (stopped) this.experiments.set(id, stopped);
    return { experiment: structuredClone(stopped ?? e), changed: stopped !== null };
  }

  async addHealth(id: string, deltas: VariantHealth[]): Promise<void> {
    this.assertOpen();
    let totals = this.health_.get(id);
    if (!totals) this.health_.set(id, (totals = new Map()));
    for (const r of healthRows(deltas)) {
      const key = `${r.variant}\u0000${r.metric}`;
      totals.set(key, (totals.get(key) ?? 0) + r.count);
    }
  }

  async health(id: string): Promise<VariantHealth[]> {
    this.assertOpen();
    const totals = this.health_.get(id) ?? new Map<string, number>();
    return healthFromRows(
      [...totals].map(([key, count]) => {
        const at = key.indexOf('\u0000');
        return { variant: key.slice(0, at), metric: key.slice(at + 1), count };
      }),
    );
  }

  async appendShadow(lists: ShadowList[]): Promise<void> {
    this.assertOpen();
    for (const l of lists) {
      let all = this.shadow.get(l.experiment);
      if (!all) this.shadow.set(l.experiment, (all = []));
      all.push(structuredClone(l));
    }
  }

  async *scanShadow(id: string, batchSize: number): AsyncIterable<ShadowList[]> {
    this.assertOpen();
    const all = this.shadow.get(id) ?? [];
    for (let i = 0; i < all.length; i += batchSize) yield structuredClone(all.slice(i, i + batchSize));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('experiment store');
  }
}
