import { describe, expect, it } from 'vitest';
import type { Impression, LabelledImpression, Outcome } from '../../ports/index.js';
import { buildTrainingGroups, TrainingGroupCollector } from './training-groups.js';

const MIN = 60_000;
const T = Date.UTC(2025, 0, 1);
const shown = (item: string, position: number, f: number): Impression['items'][number] => ({ item, position, source: 's', score: 0, features: [f, f * 10] });

// u1 sees r1 = [a, b, c] at T and r2 = [c, d] at T + 10 min; u2 sees r3 = [a, b] at T + 5 min.
const impressions: Impression[] = [
  { requestId: 'r2', user: 'u1', surface: 'home', time: T + 10 * MIN, items: [shown('c', 0, 5), shown('d', 1, 6)] },
  { requestId: 'r1', user: 'u1', surface: 'home', time: T, items: [shown('a', 0, 1), shown('b', 1, 2), shown('c', 2, 3)] },
  { requestId: 'r3', user: 'u2', surface: 'item', time: T + 5 * MIN, items: [shown('b', 1, 8), shown('a', 0, 7)] },
];

describe('buildTrainingGroups', () => {
  it('turns impressions into time-ordered groups with positions and feature rows', () => {
    const g = buildTrainingGroups(impressions, []);
    expect(g.requestIds).toEqual(['r1', 'r3', 'r2']);
    expect(g.surfaces).toEqual(['home', 'item', 'home']);
    expect(Array.from(g.groups)).toEqual([0, 3, 5, 7]);
    expect(Array.from(g.positions)).toEqual([0, 1, 2, 0, 1, 0, 1]);
    expect(g.features.cols).toBe(2);
    // Rows by position within a group: r3's a (7) before b (8).
    expect(Array.from(g.features.values.subarray(6, 10))).toEqual([7, 70, 8, 80]);
    expect(Array.from(g.labels)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('attributes by request id, else to the newest impression within the window, else not at all', () => {
    const outcomes: Outcome[] = [
      { user: 'u1', item: 'c', type: 'click', time: T + 12 * MIN, requestId: 'r1' }, // named: r1 even though r2 is newer
      { user: 'u1', item: 'c', type: 'click', time: T + 15 * MIN }, // no id: newest is r2
      { user: 'u2', item: 'a', type: 'purchase', time: T + 20 * MIN, requestId: 'r1' }, // r1 is u1's: falls back to u2's r3
      { user: 'u2', item: 'b', type: 'click', time: T + 50 * MIN }, // 45 min after r3: outside the window
      { user: 'u1', item: 'a', type: 'click', time: T - MIN }, // before any impression
      { user: 'u1', item: 'b', type: 'view', time: T + MIN }, // not a graded type: ignored
    ];
    const g = buildTrainingGroups(impressions, outcomes);
    // r1: a b c | r3: a b | r2: c d
    expect(Array.from(g.labels)).toEqual([0, 0, 1, 2, 0, 1, 0]);
    expect(g.attributed).toBe(3);
    expect(g.unattributed).toBe(2);
    const wide = buildTrainingGroups(impressions, outcomes, { windowMs: 60 * MIN });
    expect(Array.from(wide.labels)).toEqual([0, 0, 1, 2, 1, 1, 0]);
  });

  it('keeps the highest grade and can drop groups without an outcome', () => {
    const outcomes: Outcome[] = [
      { user: 'u1', item: 'b', type: 'purchase', time: T + MIN },
      { user: 'u1', item: 'b', type: 'click', time: T + 2 * MIN },
    ];
    const g = buildTrainingGroups(impressions, outcomes, { dropGroupsWithoutOutcome: true, grades: { click: 1, purchase: 3 } });
    expect(g.requestIds).toEqual(['r1']);
    expect(Array.from(g.labels)).toEqual([0, 3, 0]);
  });

  it('skips shown items logged without features, and rejects rows of different widths', () => {
    const noFeatures: Impression = { requestId: 'r9', user: 'u3', surface: 'home', time: T, items: [{ item: 'x', position: 0, source: 's', score: 0 }] };
    expect(buildTrainingGroups([noFeatures], []).withoutFeatures).toBe(1);
    const wrong: Impression = { requestId: 'r8', user: 'u3', surface: 'home', time: T, items: [{ ...shown('x', 0, 1), features: [1] }] };
    expect(() => buildTrainingGroups([...impressions, wrong], [])).toThrow(/features/);
  });
});

describe('TrainingGroupCollector', () => {
  it('groups the store\'s labelled rows across batches, whatever their order', () => {
    const row = (requestId: string, item: string, position: number, time: number, outcome: string | null): LabelledImpression => ({
      requestId,
      user: 'u',
      surface: 'home',
      variant: null,
      time,
      item,
      position,
      source: 's',
      score: 0,
      // A stored NaN comes back from JSON as null.
      features: [position, null as unknown as number],
      outcome,
    });
    const c = new TrainingGroupCollector();
    c.add([row('q2', 'y', 1, T + MIN, null), row('q1', 'a', 1, T, 'purchase')]);
    c.add([row('q1', 'b', 0, T, null), row('q2', 'x', 0, T + MIN, 'click')]);
    const g = c.build();
    expect(g.requestIds).toEqual(['q1', 'q2']);
    expect(Array.from(g.labels)).toEqual([0, 2, 1, 0]);
    expect(Array.from(g.features.values)).toEqual([0, NaN, 1, NaN, 0, NaN, 1, NaN]);
  });
});
