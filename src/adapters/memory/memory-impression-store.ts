import type {
  CtrQuery,
  CtrRow,
  Impression,
  ImpressionStore,
  LabelledImpression,
  Outcome,
} from '../../ports/index.js';
import { ctrRows, storeClosedError } from '../shared/index.js';

/** ImpressionStore in process memory, with the same attribution rules as the SQLite one. */
export class MemoryImpressionStore implements ImpressionStore {
  private readonly rows: LabelledImpression[] = [];
  private readonly byRequest = new Map<string, LabelledImpression[]>();
  private readonly byUser = new Map<string, LabelledImpression[]>();
  /** Request ids stored: a repeated one is ignored, as by the SQLite key. */
  private readonly requests = new Set<string>();
  private closed = false;

  async appendImpressions(batch: Impression[]): Promise<void> {
    this.assertOpen();
    for (const imp of batch) {
      if (this.requests.has(imp.requestId) || imp.items.length === 0) continue;
      this.requests.add(imp.requestId);
      const earlier = imp.repeats === undefined ? undefined : this.byRequest.get(imp.repeats);
      for (const [r, it] of imp.items.entries()) {
        const features = it.features ?? (earlier?.[r]?.item === it.item ? earlier[r].features : undefined);
        const row: LabelledImpression = {
          ...it,
          features: features ? [...features] : undefined,
          requestId: imp.requestId,
          user: imp.user,
          surface: imp.surface,
          variant: imp.variant ?? null,
          time: imp.time,
          outcome: null,
        };
        this.rows.push(row);
        push(this.byRequest, imp.requestId, row);
        push(this.byUser, imp.user, row);
      }
    }
  }

  async attributeOutcomes(outcomes: Outcome[], windowMs: number): Promise<{ attributed: number }> {
    this.assertOpen();
    let attributed = 0;
    for (const o of outcomes) {
      const row = o.requestId !== undefined
        ? this.byRequest.get(o.requestId)?.find((r) => r.item === o.item && r.user === o.user)
        : this.latestShown(o, windowMs);
      if (row && row.outcome === null) {
        row.outcome = o.type;
        attributed++;
      }
    }
    return { attributed };
  }

  async ctr(q: CtrQuery): Promise<CtrRow[]> {
    this.assertOpen();
    const groups = new Map<string, { impressions: number; clicks: number }>();
    for (const r of this.rows) {
      if ((q.from !== undefined && r.time < q.from) || (q.to !== undefined && r.time >= q.to)) continue;
      if (q.surface !== undefined && r.surface !== q.surface) continue;
      const key = q.by === 'surface' ? r.surface : q.by === 'source' ? r.source : (r.variant ?? '');
      const g = groups.get(key) ?? { impressions: 0, clicks: 0 };
      g.impressions++;
      if (r.outcome !== null) g.clicks++;
      groups.set(key, g);
    }
    return ctrRows([...groups].map(([key, g]) => ({ key, ...g })));
  }

  async *scanLabelled(opts: { from?: number | undefined; to?: number | undefined; batchSize: number }): AsyncIterable<LabelledImpression[]> {
    this.assertOpen();
    const rows = this.rows.filter((r) => (opts.from === undefined || r.time >= opts.from) && (opts.to === undefined || r.time < opts.to));
    for (let i = 0; i < rows.length; i += opts.batchSize) yield rows.slice(i, i + opts.batchSize).map((r) => structuredClone(r));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The newest impression of o.item for o.user served within windowMs before the outcome. */
  private latestShown(o: Outcome, windowMs: number): LabelledImpression | undefined {
    let best: LabelledImpression | undefined;
    for (const r of this.byUser.get(o.user) ?? []) {
      if (r.item !== o.item || r.time > o.time || r.time < o.time - windowMs) continue;
      if (!best || r.time > best.time) best = r;
    }
    return best;
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('impression store');
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
