import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../adapters/memory/index.js';
import type { FeedbackEvent, FeedbackTypes } from '../core/index.js';
import type { ModelMeta } from '../ports/index.js';
import { DriftMonitor, jensenShannon } from './drift.js';

const types: FeedbackTypes = { like: { role: 'positive', weight: 1 }, view: { role: 'seen', weight: 0 } };

function counts(entries: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(entries));
}

function event(n: number, user: string, item: string, type = 'like'): FeedbackEvent {
  return { id: `e${n}`, user, item, type, value: null, timestamp: n, context: null };
}

function meta(version: number, logSeq: number | null): ModelMeta {
  return {
    name: 'main',
    version,
    algorithm: 'itemknn',
    params: {},
    metrics: {},
    trainedAt: 0,
    trainingSeconds: 0,
    data: { users: 0, items: 0, interactions: 0, events: 0, from: null, to: null, logSeq },
    bytes: 0,
    state: 'serving',
    promotedAt: 0,
    gate: null,
  };
}

describe('jensenShannon', () => {
  it('is 0 for the same distribution (whatever the totals), 1 for disjoint ones, and symmetric', () => {
    expect(jensenShannon(counts({ a: 1, b: 3 }), counts({ a: 10, b: 30 }))).toBeCloseTo(0, 12);
    expect(jensenShannon(counts({ a: 5 }), counts({ b: 2 }))).toBeCloseTo(1, 12);
    const p = counts({ a: 1, b: 2, c: 3 });
    const q = counts({ a: 3, c: 1, d: 2 });
    expect(jensenShannon(p, q)).toBeCloseTo(jensenShannon(q, p), 12);
  });

  it('matches the definition on a worked example: P = (1/2, 1/2), Q = (1, 0)', () => {
    // M = (3/4, 1/4); KL(P||M) = ½log2(⅔) + ½log2(2); KL(Q||M) = log2(4/3); JS = the mean.
    const expected = (0.5 * Math.log2(2 / 3) + 0.5 * Math.log2(2) + Math.log2(4 / 3)) / 2;
    expect(jensenShannon(counts({ a: 1, b: 1 }), counts({ a: 1 }))).toBeCloseTo(expected, 12);
  });

  it('treats empty sides: both empty 0, one empty 1', () => {
    expect(jensenShannon(new Map(), new Map())).toBe(0);
    expect(jensenShannon(new Map(), counts({ a: 1 }))).toBe(1);
  });
});

describe('DriftMonitor', () => {
  it('is 0 right after training, rises when the recent events move to other items and users, and ignores non-positive events', async () => {
    const log = new MemoryEventLog();
    let n = 0;
    const batch = (users: string[], items: string[], type = 'like') =>
      users.flatMap((u) => items.map((i) => event(n++, u, i, type)));
    await log.append(batch(['u1', 'u2'], ['a', 'b', 'c', 'd', 'e'])); // seq 1..10
    let serving = meta(1, 10);
    let now = 0;
    const monitor = new DriftMonitor({ log, types, serving: () => serving, window: 10, maxAgeMs: 1_000, now: () => now });
    const first = await monitor.current();
    expect(first).toMatchObject({ role: 'main', version: 1, items: 0, users: 0, referenceEvents: 10, recentEvents: 10 });

    // Views (role "seen") change nothing: only positive events count.
    await log.append(batch(['x'], ['z', 'z', 'z'], 'view'));
    now += 2_000;
    expect((await monitor.current())?.items).toBe(0);

    // Half of the recent window now comes from new users liking one new item.
    await log.append(batch(['u3', 'u4', 'u5', 'u6', 'u7'], ['new']));
    const cached = await monitor.current();
    expect(cached?.items).toBe(0); // within maxAgeMs: the cached signal
    now += 2_000;
    const drifted = (await monitor.current())!;
    expect(drifted.recentEvents).toBe(10); // 5 likes of "new", then (past the views) the last 5 old ones
    // Items: reference a..e at 1/5 each; recent "new" 1/2, a..e 1/10 each → JS ≈ 0.3113 bits.
    const m = 0.15;
    const expectedItems = (5 * (0.2 * Math.log2(0.2 / m) + 0.1 * Math.log2(0.1 / m)) + 0.5) / 2;
    expect(drifted.items).toBeCloseTo(expectedItems, 12);
    // Users: u1 gone (1/2), u2 kept at 1/2, five new users 1/10 each → JS = 0.5 bits.
    expect(drifted.users).toBeCloseTo(0.5, 12);

    // A newly promoted model trained on everything: the reference moves to the log's end.
    serving = meta(2, 18);
    const after = (await monitor.current())!;
    expect(after.version).toBe(2);
    expect(after.items).toBe(0);
  });

  it('is null when the serving model has no snapshot position (saved before it was kept) or there is none', async () => {
    const log = new MemoryEventLog();
    await log.append([event(1, 'u', 'a')]);
    let serving: ModelMeta | undefined = meta(1, null);
    const monitor = new DriftMonitor({ log, types, serving: () => serving, window: 10, maxAgeMs: 0, now: () => 0 });
    expect(await monitor.current()).toBeNull();
    serving = undefined;
    expect(await monitor.current()).toBeNull();
  });
});
