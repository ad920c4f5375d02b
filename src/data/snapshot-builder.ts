import { IdIndex, roleOf, weightOf, type FeedbackEvent, type FeedbackTypes } from '../core/index.js';
import { csrFromTriples } from '../math/index.js';
import { ItemContentBuilder, type ItemContentSource } from './content/index.js';
import type { TrainingData } from './training-data.js';

interface Cell {
  weight: number;
  lastPositive: number;
  lastNegative: number;
}

/**
 * Folds a stream of feedback events into a TrainingData: the strength of a user–item pair is
 * the sum of its positive events' weights; a pair whose latest signal is negative (a dislike
 * after the likes) is dropped. Seen-only pairs carry no strength and are left out.
 */
export class SnapshotBuilder {
  private readonly users = new IdIndex();
  private readonly items = new IdIndex();
  private readonly cells = new Map<number, Map<number, Cell>>();
  private readonly content = new ItemContentBuilder();
  private minTime = Infinity;
  private maxTime = -Infinity;
  private events = 0;

  constructor(private readonly types: FeedbackTypes) {}

  /**
   * Registers an item, so it keeps an index even without events; with `item`, also its content
   * (title, text, categories, tags, embedding), which the snapshot then carries as `content`.
   */
  addItem(id: string, item?: ItemContentSource): void {
    const i = this.items.add(id);
    if (item) this.content.set(i, item);
  }

  add(e: FeedbackEvent): void {
    const role = roleOf(e, this.types);
    if (role === null || role === 'seen') return;
    this.events++;
    const u = this.users.add(e.user);
    const i = this.items.add(e.item);
    let row = this.cells.get(u);
    if (!row) this.cells.set(u, (row = new Map()));
    let cell = row.get(i);
    if (!cell) row.set(i, (cell = { weight: 0, lastPositive: -Infinity, lastNegative: -Infinity }));
    if (role === 'positive') {
      cell.weight += weightOf(e, this.types);
      cell.lastPositive = Math.max(cell.lastPositive, e.timestamp);
    } else {
      cell.lastNegative = Math.max(cell.lastNegative, e.timestamp);
    }
    this.minTime = Math.min(this.minTime, e.timestamp);
    this.maxTime = Math.max(this.maxTime, e.timestamp);
  }

  get eventCount(): number {
    return this.events;
  }

  get timeRange(): { from: number; to: number } | null {
    return this.events === 0 ? null : { from: this.minTime, to: this.maxTime };
  }

  build(now: number): TrainingData {
    const r: number[] = [];
    const c: number[] = [];
    const v: number[] = [];
    const t: number[] = [];
    for (const [u, row] of this.cells) {
      for (const [i, cell] of row) {
        if (cell.weight <= 0 || cell.lastNegative > cell.lastPositive) continue;
        r.push(u);
        c.push(i);
        v.push(cell.weight);
        t.push(cell.lastPositive);
      }
    }
    // csrFromTriples sorts by (row, col); carry timestamps through the same order.
    const order = r.map((_, k) => k).sort((a, b) => r[a]! - r[b]! || c[a]! - c[b]!);
    const rr = order.map((k) => r[k]!);
    const cc = order.map((k) => c[k]!);
    const vv = order.map((k) => v[k]!);
    const interactions = csrFromTriples(this.users.size, this.items.size, rr, cc, vv);
    const lastSeen = Float64Array.from(order.map((k) => t[k]!));
    const content = this.content.build(this.items.size);
    return { users: this.users, items: this.items, interactions, lastSeen, now, ...(content ? { content } : {}) };
  }
}
