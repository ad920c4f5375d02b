import type { MagpieConfig } from '../config/index.js';
import { DefaultRanker, FeatureAssembler, TrainingGroupCollector, trainLearnedRanker } from '../pipeline/index.js';
import type { ImpressionStore, ModelMeta, ModelStore } from '../ports/index.js';

/** Where a surface's learned ranker is kept in the model store. */
export function rankerModelName(surface: string): string {
  return `ranker:${surface}`;
}

/** The feature columns of a surface's ranker (its sources, then the context features). */
export function featureAssemblerFor(config: MagpieConfig, surface: string): FeatureAssembler {
  const sc = config.serving.surfaces[surface]!;
  return new FeatureAssembler({ sources: sc.sources.map((s) => s.name), surfaces: Object.keys(config.serving.surfaces) });
}

export interface RankerTrainingResult {
  surface: string;
  promoted: boolean;
  reason: string;
  saved: ModelMeta | null;
}

/** How far back impressions are read for ranker training. */
const RANKER_WINDOW_DAYS = 30;

/**
 * Trains the learned ranker of every surface whose `ranker.type` is `learned`, from its logged
 * impressions of the last 30 days and their attributed outcomes (graded by the positive feedback
 * types' weights). Its gate is trainLearnedRanker's rule: enough groups with an outcome, and
 * better NDCG@10 on held-out groups than the default fusion. A ranker that passes is stored and
 * promoted (served); one that trained but did not beat the fusion is stored as a candidate with
 * the reason, like a model the validation gate refused; none is stored when too few groups had
 * an outcome to train one.
 */
export async function trainRankers(
  deps: { config: MagpieConfig; impressions: ImpressionStore; models: ModelStore; now: number },
): Promise<RankerTrainingResult[]> {
  const { config } = deps;
  const grades = Object.fromEntries(
    Object.entries(config.feedback.types)
      .filter(([, t]) => t.role === 'positive' && t.weight > 0)
      .map(([name, t]) => [name, t.weight]),
  );
  const results: RankerTrainingResult[] = [];
  for (const [surface, sc] of Object.entries(config.serving.surfaces)) {
    if (sc.ranker.type !== 'learned') continue;
    const assembler = featureAssemblerFor(config, surface);
    const collector = new TrainingGroupCollector({ grades });
    const from = deps.now - RANKER_WINDOW_DAYS * 86_400_000;
    for await (const batch of deps.impressions.scanLabelled({ from, batchSize: 10_000 })) {
      // Rows of another surface, or logged under another feature layout, cannot train this one.
      collector.add(batch.filter((r) => r.surface === surface && r.features?.length === assembler.width));
    }
    const groups = collector.build();
    const t0 = performance.now();
    const incumbent = new DefaultRanker(assembler.names, { method: sc.ranker.method, rrfK: sc.ranker.rrfK, weights: sc.ranker.weights });
    const result = trainLearnedRanker(groups, { featureNames: assembler.names, incumbent, seed: config.training.seed });
    let saved: ModelMeta | null = null;
    if (result.model) {
      const heldOut = result.heldOut;
      saved = await deps.models.save(
        {
          name: rankerModelName(surface),
          algorithm: result.ranker.kind,
          params: { surface, features: [...assembler.names] },
          metrics: heldOut ? { 'ndcg@10': heldOut.learned, 'ndcg@10 default': heldOut.incumbent, groups: heldOut.groups } : {},
          trainedAt: deps.now,
          trainingSeconds: (performance.now() - t0) / 1000,
          data: { users: 0, items: 0, interactions: groups.features.rows, events: groups.groups.length - 1, from, to: deps.now },
          gate: {
            passed: result.promoted,
            metric: 'ndcg@10',
            candidate: heldOut?.learned ?? null,
            // The learned ranker is judged against the default fusion, which always serves as the fallback.
            serving: heldOut?.incumbent ?? null,
            tolerance: 0,
            reason: result.reason,
          },
        },
        result.model.serialize(),
      );
      if (result.promoted) saved = await deps.models.promote(saved.name, saved.version);
    }
    results.push({ surface, promoted: result.promoted, reason: result.reason, saved });
  }
  return results;
}
