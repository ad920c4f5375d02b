import { roleOf, type FeedbackEvent, type FeedbackTypes } from '../core/index.js';
import type { EventLog, ModelMeta } from '../ports/index.js';

/** How far the traffic has moved from what the serving model learned from (docs/models.md#drift). */
export interface DriftSignal {
  /** The role whose serving model is the reference (main). */
  role: string;
  version: number;
  /**
   * Jensen–Shannon divergence (base 2: 0 = the same distribution, 1 = nothing in common) of the
   * share of positive events per item, between the reference window and the recent one.
   */
  items: number;
  /** The same over users: how much who is active has changed. */
  users: number;
  /** Positive events counted in each window. */
  referenceEvents: number;
  recentEvents: number;
  computedAt: number;
}

export interface DriftMonitorOptions {
  log: EventLog;
  types: FeedbackTypes;
  /** The serving model whose training snapshot is the reference; undefined when none. */
  serving: () => ModelMeta | undefined;
  /** Positive events counted on each side. */
  window: number;
  /** A signal younger than this is served from cache. */
  maxAgeMs: number;
  now: () => number;
}

/**
 * The drift signal: the last `window` positive events of the log that the serving model's
 * training snapshot had applied (the reference) against the last `window` positive events of the
 * log now (recent), compared as distributions over items (popularity) and over users (activity).
 * Both sides hold the same number of events, so their sampling noise is alike; right after
 * training they are the same events and the divergence is 0. It rises as traffic moves away from
 * what the model saw.
 */
export class DriftMonitor {
  private cached: DriftSignal | null = null;
  private reference: { key: string; counts: WindowCounts } | null = null;
  private pending: Promise<DriftSignal | null> | null = null;

  constructor(private readonly opts: DriftMonitorOptions) {}

  /** The current signal (cached up to maxAgeMs); null when the serving model has no snapshot position. */
  current(): Promise<DriftSignal | null> {
    const meta = this.opts.serving();
    const fresh = this.cached && meta?.version === this.cached.version && this.opts.now() - this.cached.computedAt < this.opts.maxAgeMs;
    if (fresh) return Promise.resolve(this.cached);
    // Concurrent scrapes share one computation.
    this.pending ??= this.compute(meta).finally(() => (this.pending = null));
    return this.pending;
  }

  private async compute(meta: ModelMeta | undefined): Promise<DriftSignal | null> {
    const at = meta?.data.logSeq;
    if (meta === undefined || at === undefined || at === null || at <= 0) return (this.cached = null);
    const key = `${meta.name}@${meta.version}`;
    if (this.reference?.key !== key) this.reference = { key, counts: await this.countWindow(at) };
    const recent = await this.countWindow(await this.opts.log.head());
    const ref = this.reference.counts;
    this.cached = {
      role: meta.name,
      version: meta.version,
      items: jensenShannon(ref.items, recent.items),
      users: jensenShannon(ref.users, recent.users),
      referenceEvents: ref.events,
      recentEvents: recent.events,
      computedAt: this.opts.now(),
    };
    return this.cached;
  }

  /**
   * Positive events per item and per user: the last `window` of them at or before seq `last`,
   * read backwards a chunk at a time (at most ten windows' worth of records, so a log full of
   * views cannot make one reading unbounded).
   */
  private async countWindow(last: number): Promise<WindowCounts> {
    const counts: WindowCounts = { items: new Map(), users: new Map(), events: 0 };
    const { window } = this.opts;
    const floor = Math.max(0, last - 10 * window);
    let end = last;
    while (end > floor && counts.events < window) {
      const start = Math.max(floor, end - window);
      const chunk = (await this.opts.log.read(start, end - start)).filter((r) => r.seq <= end);
      for (let i = chunk.length - 1; i >= 0 && counts.events < window; i--) {
        const e = chunk[i]!.event;
        if (!isPositive(e, this.opts.types)) continue;
        add(counts.items, e.item);
        add(counts.users, e.user);
        counts.events++;
      }
      end = start;
    }
    return counts;
  }
}

interface WindowCounts {
  items: Map<string, number>;
  users: Map<string, number>;
  events: number;
}

function isPositive(e: FeedbackEvent, types: FeedbackTypes): boolean {
  return roleOf(e, types) === 'positive';
}

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Jensen–Shannon divergence in bits between two count vectors (normalised here): the mean KL
 * divergence of each from their average. Symmetric, finite even where one side has a zero, and
 * between 0 and 1. Either side empty: 0 when both are, else 1.
 */
export function jensenShannon(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const totalA = sum(a);
  const totalB = sum(b);
  if (totalA === 0 || totalB === 0) return totalA === totalB ? 0 : 1;
  let js = 0;
  const term = (p: number, m: number): number => (p > 0 ? p * Math.log2(p / m) : 0);
  for (const [key, countA] of a) {
    const p = countA / totalA;
    const q = (b.get(key) ?? 0) / totalB;
    const m = (p + q) / 2;
    js += term(p, m) + term(q, m);
  }
  // Keys only in b: p = 0, so m = q/2 and the term is q·log2(2) = q.
  for (const [key, countB] of b) if (!a.has(key)) js += countB / totalB;
  return Math.min(1, Math.max(0, js / 2));
}

function sum(counts: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const v of counts.values()) s += v;
  return s;
}
