import { describe, expect, it } from 'vitest';
import type { FeedbackEvent, FeedbackTypes } from '../core/index.js';
import { buildHistory } from './history.js';

const types: FeedbackTypes = {
  view: { role: 'seen', weight: 0 },
  click: { role: 'positive', weight: 1 },
  like: { role: 'positive', weight: 2 },
  dwell: { role: 'positive', weight: 1, scaleByValue: true },
  rating: { role: 'positive', weight: 1, minValue: 3 },
  dislike: { role: 'negative', weight: 0 },
};

function ev(item: string, type: string, timestamp: number, value: number | null = null): FeedbackEvent {
  return { id: `${item}-${type}-${timestamp}`, user: 'u', item, type, value, timestamp, context: null };
}

describe('buildHistory', () => {
  it('sums positive weights per item, ordered most recently touched first', () => {
    const h = buildHistory([ev('b', 'click', 50), ev('a', 'like', 40), ev('b', 'like', 30), ev('a', 'click', 20), ev('c', 'click', 10)], types);
    expect([...h.positives]).toEqual([
      ['b', 3],
      ['a', 3],
      ['c', 1],
    ]);
    expect(h.negatives.size).toBe(0);
    expect(h.lastEventAt).toBe(50);
  });

  it('lets the newest positive-or-negative event decide: a dislike after likes wins', () => {
    const h = buildHistory([ev('a', 'dislike', 30), ev('a', 'like', 20), ev('a', 'click', 10)], types);
    expect(h.negatives).toEqual(new Set(['a']));
    expect(h.positives.has('a')).toBe(false);
    expect(h.seen).toEqual(new Set(['a']));
  });

  it('restores an item liked again after a dislike, summing its positive events', () => {
    const h = buildHistory([ev('a', 'click', 30), ev('a', 'dislike', 20), ev('a', 'like', 10)], types);
    expect(h.negatives.has('a')).toBe(false);
    expect(h.positives.get('a')).toBe(3);
  });

  it('seen events do not decide: a view after a dislike keeps it disliked', () => {
    const h = buildHistory([ev('a', 'view', 30), ev('a', 'dislike', 20), ev('a', 'like', 10)], types);
    expect(h.negatives).toEqual(new Set(['a']));
    expect(h.positives.size).toBe(0);
  });

  it('treats a rating below minValue as negative', () => {
    const h = buildHistory([ev('a', 'rating', 20, 1), ev('a', 'rating', 10, 5), ev('b', 'rating', 5, 4)], types);
    expect(h.negatives).toEqual(new Set(['a']));
    expect([...h.positives]).toEqual([['b', 1]]);
  });

  it('puts every item in seen, including views and unknown types, which add no strength', () => {
    const h = buildHistory([ev('a', 'view', 40), ev('b', 'teleport', 30), ev('c', 'click', 20), ev('d', 'dislike', 10)], types);
    expect(h.seen).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect([...h.positives.keys()]).toEqual(['c']);
    expect(h.negatives).toEqual(new Set(['d']));
  });

  it('drops positives whose summed weight is 0 (e.g. a zero dwell), without making them negative', () => {
    const h = buildHistory([ev('a', 'dwell', 20, 0), ev('b', 'dwell', 10, 12)], types);
    expect([...h.positives]).toEqual([['b', 12]]);
    expect(h.negatives.size).toBe(0);
    expect(h.seen.has('a')).toBe(true);
  });

  it('gives an empty history without events', () => {
    const h = buildHistory([], types);
    expect(h.positives.size).toBe(0);
    expect(h.negatives.size).toBe(0);
    expect(h.seen.size).toBe(0);
    expect(h.lastEventAt).toBeNull();
  });
});
