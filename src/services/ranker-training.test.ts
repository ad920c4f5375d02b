import { describe, expect, it } from 'vitest';
import { MemoryImpressionStore, MemoryModelStore } from '../adapters/memory/index.js';
import { Rng } from '../core/index.js';
import { parseConfig } from '../config/index.js';
import type { Impression } from '../ports/index.js';
import { featureAssemblerFor, rankerModelName, trainRankers } from './ranker-training.js';
import { SurfaceSet } from './surface-set.js';

const NOW = Date.UTC(2026, 10, 1);
const config = parseConfig({ serving: { surfaces: { home: { ranker: { type: 'learned' } } } } });

/**
 * Served home lists whose clicks follow category_affinity, a feature the default fusion ignores:
 * a learned ranker can beat the fusion only by learning it.
 */
function simulatedLog(lists: number): { impressions: Impression[]; clicks: { user: string; item: string; type: string; time: number; requestId: string }[] } {
  const names = featureAssemblerFor(config, 'home').names;
  const col = (n: string): number => names.indexOf(n);
  const rng = new Rng(3);
  const impressions: Impression[] = [];
  const clicks = [];
  for (let q = 0; q < lists; q++) {
    const items = Array.from({ length: 10 }, (_, position) => {
      const f = new Array<number>(names.length).fill(NaN);
      f[col('score:collaborative')] = 1 - position / 10;
      f[col('rank:collaborative')] = position + 1;
      f[col('source_count')] = 1;
      f[col('category_affinity')] = rng.next();
      return { item: `i${q % 50}-${position}`, position, source: 'collaborative', score: 1 - position / 10, features: f };
    });
    const requestId = `r${q}`;
    impressions.push({ requestId, user: `u${q % 80}`, surface: 'home', time: NOW - (lists - q) * 60_000, items });
    const best = items.reduce((a, b) => (b.features[col('category_affinity')]! > a.features[col('category_affinity')]! ? b : a));
    clicks.push({ user: `u${q % 80}`, item: best.item, type: 'click', time: NOW - (lists - q) * 60_000 + 1000, requestId });
  }
  return { impressions, clicks };
}

describe('learned ranker training', () => {
  it('trains, promotes and stores a ranker that beats the default fusion on held-out lists', async () => {
    const impressions = new MemoryImpressionStore();
    const models = new MemoryModelStore();
    const log = simulatedLog(400);
    await impressions.appendImpressions(log.impressions);
    expect((await impressions.attributeOutcomes(log.clicks, 30 * 60_000)).attributed).toBe(400);
    const [result] = await trainRankers({ config, impressions, models, now: NOW });
    expect(result!.surface).toBe('home');
    expect(result!.promoted, result!.reason).toBe(true);
    const saved = await models.latest(rankerModelName('home'));
    expect(saved!.meta.metrics['ndcg@10']!).toBeGreaterThan(saved!.meta.metrics['ndcg@10 default']!);
    expect(saved!.meta).toMatchObject({ state: 'serving', gate: { passed: true, metric: 'ndcg@10', reason: result!.reason } });
    expect(await models.servingVersion(rankerModelName('home'))).toBe(1);
    // Serving swaps it in for the fusion on that surface only.
    const surfaces = new SurfaceSet(config, { get: () => undefined });
    expect(surfaces.learnedSurfaces()).toEqual(['home']);
    surfaces.useLearned('home', saved!.blob, saved!.meta.version);
    expect(surfaces.get('home').ranker.kind).toBe('gbdt-lambdamart');
    expect(surfaces.learnedVersion('home')).toBe(1);
    expect(surfaces.get('item').ranker.kind).toBe('default-rrf');
  });

  it('keeps the default when there are too few lists with an outcome, and skips default-ranked surfaces', async () => {
    const impressions = new MemoryImpressionStore();
    const models = new MemoryModelStore();
    const log = simulatedLog(20);
    await impressions.appendImpressions(log.impressions);
    await impressions.attributeOutcomes(log.clicks, 30 * 60_000);
    const results = await trainRankers({ config, impressions, models, now: NOW });
    expect(results.map((r) => r.surface)).toEqual(['home']); // item, rerank, email use the default
    expect(results[0]!.promoted).toBe(false);
    expect(await models.latestVersion(rankerModelName('home'))).toBe(0);
  });
});
