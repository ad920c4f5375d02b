import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './request-id.js';

describe('timeOrderedId', () => {
  it('is a UUID of version 7 whose first 48 bits are the time in ms', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = timeOrderedId(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts by time across milliseconds and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => timeOrderedId(1_700_000_000_000 + i * 7));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => timeOrderedId(1_700_000_000_000))).size).toBe(10_000);
  });
});
