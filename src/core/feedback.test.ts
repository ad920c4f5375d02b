import { describe, expect, it } from 'vitest';
import { roleOf, weightOf } from './feedback.js';
import type { FeedbackTypes } from './types.js';

const types: FeedbackTypes = {
  view: { role: 'seen', weight: 0 },
  click: { role: 'positive', weight: 1 },
  like: { role: 'positive', weight: 2 },
  rating: { role: 'positive', weight: 1, minValue: 3, scaleByValue: true },
  stars: { role: 'positive', weight: 2, minValue: 3 },
  dwell: { role: 'positive', weight: 0.5, scaleByValue: true },
  dislike: { role: 'negative', weight: 0 },
  skip: { role: 'seen', weight: 0, minValue: 5 },
};

const ev = (type: string, value: number | null = null): { type: string; value: number | null } => ({ type, value });

describe('roleOf', () => {
  it('answers the configured role', () => {
    expect(roleOf(ev('view'), types)).toBe('seen');
    expect(roleOf(ev('click'), types)).toBe('positive');
    expect(roleOf(ev('dislike'), types)).toBe('negative');
  });

  it('turns a value below minValue into a negative, at or above it keeps the role', () => {
    expect(roleOf(ev('rating', 2), types)).toBe('negative');
    expect(roleOf(ev('rating', 2.99), types)).toBe('negative');
    expect(roleOf(ev('rating', 3), types)).toBe('positive');
    expect(roleOf(ev('rating', 5), types)).toBe('positive');
    // Without a value there is nothing to compare.
    expect(roleOf(ev('rating', null), types)).toBe('positive');
    // The threshold applies to any role.
    expect(roleOf(ev('skip', 1), types)).toBe('negative');
    expect(roleOf(ev('skip', 9), types)).toBe('seen');
  });

  it('answers null for an unknown type, including Object.prototype names', () => {
    expect(roleOf(ev('purchase'), types)).toBeNull();
    expect(roleOf(ev(''), types)).toBeNull();
    expect(roleOf(ev('constructor'), types)).toBeNull();
    expect(roleOf(ev('toString'), types)).toBeNull();
    expect(roleOf(ev('__proto__'), types)).toBeNull();
    expect(roleOf(ev('hasOwnProperty', 1), types)).toBeNull();
  });
});

describe('weightOf', () => {
  it('is the configured weight for positives', () => {
    expect(weightOf(ev('click'), types)).toBe(1);
    expect(weightOf(ev('like'), types)).toBe(2);
    // minValue without scaleByValue: a passing value does not scale.
    expect(weightOf(ev('stars', 5), types)).toBe(2);
  });

  it('multiplies by the value when scaleByValue is set, and falls back to the weight without one', () => {
    expect(weightOf(ev('dwell', 30), types)).toBe(15);
    expect(weightOf(ev('dwell', 0), types)).toBe(0);
    expect(weightOf(ev('dwell', null), types)).toBe(0.5);
    expect(weightOf(ev('rating', 4), types)).toBe(4);
  });

  it('is 0 for seen, negative, below-minValue and unknown events', () => {
    expect(weightOf(ev('view'), types)).toBe(0);
    expect(weightOf(ev('dislike'), types)).toBe(0);
    expect(weightOf(ev('rating', 2), types)).toBe(0);
    expect(weightOf(ev('stars', 1), types)).toBe(0);
    expect(weightOf(ev('purchase'), types)).toBe(0);
    expect(weightOf(ev('constructor', 3), types)).toBe(0);
  });

  it('ignores a weight configured on a non-positive type', () => {
    expect(weightOf(ev('view'), { view: { role: 'seen', weight: 7 } })).toBe(0);
    expect(weightOf(ev('boo'), { boo: { role: 'negative', weight: 7 } })).toBe(0);
  });
});
