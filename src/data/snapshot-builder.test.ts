import { describe, expect, it } from 'vitest';
import type { FeedbackEvent, FeedbackTypes } from '../core/index.js';
import { nnz, row } from '../math/index.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import type { TrainingData } from './training-data.js';

const types: FeedbackTypes = {
  view: { role: 'seen', weight: 0 },
  click: { role: 'positive', weight: 1 },
  like: { role: 'positive', weight: 2 },
  purchase: { role: 'positive', weight: 4 },
  rating: { role: 'positive', weight: 1, minValue: 3, scaleByValue: true },
  dislike: { role: 'negative', weight: 0 },
};

let nextId = 0;
function ev(user: string, item: string, type: string, timestamp: number, value: number | null = null): FeedbackEvent {
  return { id: `e${nextId++}`, user, item, type, value, timestamp, context: null };
}

function build(events: FeedbackEvent[], now = 1000): { b: SnapshotBuilder; data: TrainingData } {
  const b = new SnapshotBuilder(types);
  for (const e of events) b.add(e);
  return { b, data: b.build(now) };
}

/** The cells of a training snapshot as "user/item" → [weight, lastSeen]. */
function cells(data: TrainingData): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const m = data.interactions;
  for (let u = 0; u < m.rows; u++) {
    for (let k = m.indptr[u]!; k < m.indptr[u + 1]!; k++) {
      out.set(`${data.users.idAt(u)}/${data.items.idAt(m.indices[k]!)}`, [m.values[k]!, data.lastSeen![k]!]);
    }
  }
  return out;
}

describe('SnapshotBuilder', () => {
  it('sums positive weights per pair by type config, and keeps the latest positive time', () => {
    const { data } = build([
      ev('u1', 'a', 'click', 10), // 1
      ev('u1', 'a', 'like', 30), // 2
      ev('u1', 'a', 'purchase', 20), // 4
      ev('u1', 'b', 'rating', 40, 5), // 1 × 5
      ev('u2', 'a', 'click', 50),
    ]);
    expect(cells(data)).toEqual(
      new Map([
        ['u1/a', [7, 30]],
        ['u1/b', [5, 40]],
        ['u2/a', [1, 50]],
      ]),
    );
    expect(data.now).toBe(1000);
    expect(data.users.toArray()).toEqual(['u1', 'u2']);
    expect(data.items.toArray()).toEqual(['a', 'b']);
  });

  it('leaves seen-only pairs (and unknown types) out, and does not index their users or items', () => {
    const { b, data } = build([ev('u1', 'a', 'view', 1), ev('u1', 'b', 'click', 2), ev('u2', 'c', 'view', 3), ev('u1', 'd', 'teleport', 4)]);
    expect(cells(data)).toEqual(new Map([['u1/b', [1, 2]]]));
    expect(data.users.has('u2')).toBe(false);
    expect(data.items.has('a')).toBe(false);
    expect(data.items.has('d')).toBe(false);
    expect(b.eventCount).toBe(1);
  });

  it('drops a pair whose latest signal is a dislike', () => {
    const { data } = build([ev('u', 'a', 'like', 1), ev('u', 'a', 'purchase', 2), ev('u', 'a', 'dislike', 3), ev('u', 'b', 'click', 4)]);
    expect(cells(data)).toEqual(new Map([['u/b', [1, 4]]]));
    // The item keeps its index (it was seen in a signal) but has no cell.
    expect(data.items.has('a')).toBe(true);
    expect(nnz(data.interactions)).toBe(1);
  });

  it('keeps a pair liked again after a dislike, with all its positive weight', () => {
    const { data } = build([ev('u', 'a', 'like', 1), ev('u', 'a', 'dislike', 2), ev('u', 'a', 'click', 3)]);
    expect(cells(data)).toEqual(new Map([['u/a', [3, 3]]]));
  });

  it('decides by timestamps, not by arrival order', () => {
    // The dislike arrives last but happened first.
    const kept = build([ev('u', 'a', 'like', 5), ev('u', 'a', 'dislike', 2)]).data;
    expect(cells(kept)).toEqual(new Map([['u/a', [2, 5]]]));
    const dropped = build([ev('u', 'a', 'dislike', 9), ev('u', 'a', 'like', 5)]).data;
    expect(nnz(dropped.interactions)).toBe(0);
  });

  it('treats a rating below minValue as a dislike', () => {
    const { data } = build([ev('u', 'a', 'rating', 1, 4), ev('u', 'a', 'rating', 2, 1), ev('u', 'b', 'rating', 3, 2)]);
    expect(nnz(data.interactions)).toBe(0);
  });

  it('aligns lastSeen with the CSR order (rows by user index, columns ascending)', () => {
    // Added out of column order, across users, so the CSR sort must carry lastSeen along.
    const { data } = build([
      ev('u2', 'c', 'click', 100),
      ev('u1', 'c', 'click', 101),
      ev('u2', 'a', 'click', 102),
      ev('u1', 'b', 'click', 103),
      ev('u2', 'b', 'like', 104),
      ev('u1', 'a', 'like', 105),
    ]);
    // users: u2 = 0, u1 = 1; items: c = 0, a = 1, b = 2.
    expect(Array.from(data.interactions.indptr)).toEqual([0, 3, 6]);
    expect(Array.from(data.interactions.indices)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(data.interactions.values)).toEqual([1, 1, 2, 1, 2, 1]);
    expect(Array.from(data.lastSeen!)).toEqual([100, 102, 104, 101, 105, 103]);
    expect(data.lastSeen!.length).toBe(nnz(data.interactions));
  });

  it('gives items added via addItem an index with no interactions', () => {
    const b = new SnapshotBuilder(types);
    b.addItem('cold');
    b.add(ev('u', 'warm', 'click', 1));
    b.addItem('warm');
    b.addItem('later');
    const data = b.build(5);
    expect(data.items.toArray()).toEqual(['cold', 'warm', 'later']);
    expect(data.interactions.cols).toBe(3);
    expect(Array.from(row(data.interactions, 0).indices)).toEqual([1]);
    expect(data.interactions.indices.includes(0)).toBe(false);
    expect(data.interactions.indices.includes(2)).toBe(false);
  });

  it('reports the time range of the events it used, or null without any', () => {
    const empty = new SnapshotBuilder(types);
    expect(empty.timeRange).toBeNull();
    empty.add(ev('u', 'a', 'view', 50));
    expect(empty.timeRange).toBeNull();
    const { b } = build([ev('u', 'a', 'click', 30), ev('u', 'a', 'dislike', 90), ev('v', 'b', 'like', 10), ev('v', 'b', 'view', 500)]);
    expect(b.timeRange).toEqual({ from: 10, to: 90 });
    expect(b.eventCount).toBe(3);
  });

  it('builds an empty snapshot from no events', () => {
    const data = new SnapshotBuilder(types).build(0);
    expect(data.interactions.rows).toBe(0);
    expect(data.interactions.cols).toBe(0);
    expect(Array.from(data.interactions.indptr)).toEqual([0]);
    expect(data.lastSeen!.length).toBe(0);
  });
});
