/**
 * Labelled training groups from the impression log: every served list (one request's shown
 * items with their positions and feature rows) becomes one query group; an outcome (click,
 * purchase…) labels the shown item it is attributed to, with the grade of its type.
 *
 * Two entry points, one result:
 * - `buildTrainingGroups(impressions, outcomes)` attributes in memory, with the rule of the
 *   ImpressionStore port: an outcome naming a request id goes to that request's list when it
 *   showed the item; otherwise (no id, or a list without the item) to the user's newest
 *   impression of the item at or before the outcome, if within `windowMs` (30 min default).
 *   An item's label is the highest grade attributed to it (a purchase outranks a click).
 * - `TrainingGroupCollector` groups the already-attributed rows of `ImpressionStore.scanLabelled`.
 *
 * Shown items logged without features cannot teach the ranker and are skipped (and counted).
 */
import { MagpieError } from '../../core/index.js';
import type { Impression, LabelledImpression, Outcome } from '../../ports/index.js';
import type { FeatureMatrix } from './gbdt/index.js';

export interface TrainingGroupOptions {
  /** Label grade per outcome type (default { click: 1, purchase: 2 }); other types are ignored. */
  readonly grades?: Readonly<Record<string, number>> | undefined;
  /** How long after an impression an outcome without a usable request id still counts. */
  readonly windowMs?: number | undefined;
  /** Leave out groups in which nothing was acted on (LambdaMART learns nothing from them). */
  readonly dropGroupsWithoutOutcome?: boolean | undefined;
}

export interface TrainingGroups {
  readonly features: FeatureMatrix;
  /** Grade per row (0 = shown, no outcome). */
  readonly labels: Float64Array;
  /** Query group offsets: group q holds rows groups[q]..groups[q + 1] − 1. */
  readonly groups: Int32Array;
  /** Shown position per row (for position-bias analysis or debiasing). */
  readonly positions: Int32Array;
  /** Request id and surface per group; groups are in time order. */
  readonly requestIds: readonly string[];
  readonly surfaces: readonly string[];
  /** Outcomes credited to a shown item / not creditable to any (in-memory attribution only). */
  readonly attributed: number;
  readonly unattributed: number;
  /** Shown items skipped because their impression carried no feature row. */
  readonly withoutFeatures: number;
}

export const DEFAULT_GRADES: Readonly<Record<string, number>> = { click: 1, purchase: 2 };
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 30 * 60_000;

interface Shown {
  position: number;
  features: readonly number[];
  label: number;
}

interface Group {
  requestId: string;
  surface: string;
  time: number;
  items: Map<string, Shown>;
}

export function buildTrainingGroups(impressions: readonly Impression[], outcomes: readonly Outcome[], options: TrainingGroupOptions = {}): TrainingGroups {
  const grades = options.grades ?? DEFAULT_GRADES;
  const windowMs = options.windowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS;
  // Oldest first (request id breaks ties), so the result never depends on the log's order.
  const sorted = [...impressions].sort((a, b) => a.time - b.time || compare(a.requestId, b.requestId));
  const byRequest = new Map<string, number>();
  const byUserItem = new Map<string, number[]>(); // impression indices in time order
  sorted.forEach((imp, i) => {
    byRequest.set(imp.requestId, i);
    for (const it of imp.items) {
      const key = pairKey(imp.user, it.item);
      const list = byUserItem.get(key);
      if (!list) byUserItem.set(key, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  const labels = sorted.map(() => new Map<string, number>());
  let attributed = 0;
  let unattributed = 0;
  for (const o of outcomes) {
    if (!Object.hasOwn(grades, o.type)) continue;
    let target = o.requestId !== undefined ? byRequest.get(o.requestId) : undefined;
    if (target !== undefined) {
      const imp = sorted[target]!;
      if (imp.user !== o.user || !imp.items.some((it) => it.item === o.item)) target = undefined;
    }
    target ??= newestWithin(byUserItem.get(pairKey(o.user, o.item)), sorted, o.time, windowMs);
    if (target === undefined) {
      unattributed++;
      continue;
    }
    attributed++;
    const m = labels[target]!;
    m.set(o.item, Math.max(m.get(o.item) ?? 0, grades[o.type]!));
  }
  const collector = new TrainingGroupCollector(options);
  sorted.forEach((imp, i) => {
    for (const it of imp.items) collector.addShown(imp.requestId, imp.surface, imp.time, it.item, it.position, it.features, labels[i]!.get(it.item) ?? 0);
  });
  return { ...collector.build(), attributed, unattributed };
}

/** Groups the labelled rows of ImpressionStore.scanLabelled (any order, any batching). */
export class TrainingGroupCollector {
  private readonly grades: Readonly<Record<string, number>>;
  private readonly groups = new Map<string, Group>();
  private skipped = 0;

  constructor(private readonly options: TrainingGroupOptions = {}) {
    this.grades = options.grades ?? DEFAULT_GRADES;
  }

  add(rows: Iterable<LabelledImpression>): void {
    for (const r of rows) {
      const grade = r.outcome !== null && Object.hasOwn(this.grades, r.outcome) ? this.grades[r.outcome]! : 0;
      this.addShown(r.requestId, r.surface, r.time, r.item, r.position, r.features, grade);
    }
  }

  addShown(requestId: string, surface: string, time: number, item: string, position: number, features: readonly number[] | undefined, label: number): void {
    if (!features) {
      this.skipped++;
      return;
    }
    let g = this.groups.get(requestId);
    if (!g) this.groups.set(requestId, (g = { requestId, surface, time, items: new Map() }));
    const had = g.items.get(item);
    // An item shown twice in one list keeps its first position and its best label.
    if (!had || position < had.position) g.items.set(item, { position, features, label: Math.max(label, had?.label ?? 0) });
    else had.label = Math.max(had.label, label);
  }

  build(): TrainingGroups {
    const groups = [...this.groups.values()]
      .filter((g) => !this.options.dropGroupsWithoutOutcome || [...g.items.values()].some((s) => s.label > 0))
      .sort((a, b) => a.time - b.time || compare(a.requestId, b.requestId));
    const shown = groups.flatMap((g) => [...g.items.values()].sort((a, b) => a.position - b.position));
    const cols = shown[0]?.features.length ?? 0;
    const values = new Float64Array(shown.length * cols);
    shown.forEach((s, k) => {
      if (s.features.length !== cols) throw new MagpieError('VALIDATION_FAILED', `a shown item has ${s.features.length} features, another ${cols}`);
      // JSON turns NaN into null: a stored missing feature reads back as null, and means NaN.
      for (let f = 0; f < cols; f++) values[k * cols + f] = s.features[f] ?? NaN;
    });
    const offsets = new Int32Array(groups.length + 1);
    groups.forEach((g, q) => (offsets[q + 1] = offsets[q]! + g.items.size));
    return {
      features: { rows: shown.length, cols, values },
      labels: Float64Array.from(shown, (s) => s.label),
      groups: offsets,
      positions: Int32Array.from(shown, (s) => s.position),
      requestIds: groups.map((g) => g.requestId),
      surfaces: groups.map((g) => g.surface),
      attributed: 0,
      unattributed: 0,
      withoutFeatures: this.skipped,
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pairKey(user: string, item: string): string {
  return `${user}\u0000${item}`;
}

/** The newest impression in `list` (time-ordered indices) at or before `time`, within the window. */
function newestWithin(list: number[] | undefined, sorted: readonly Impression[], time: number, windowMs: number): number | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[list[mid]!]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  const i = list[lo - 1]!;
  return time - sorted[i]!.time <= windowMs ? i : undefined;
}
