import { MagpieError, type FeedbackEvent } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import { getAlgorithm, parseParams } from '../algorithms/index.js';
import { SnapshotBuilder, alignItemContent, timeSplit } from '../data/index.js';
import { evaluateModelAsync, FULL_RANKING_PROTOCOL, type AlgorithmResult } from '../eval/index.js';
import type { DataStore } from '../ports/index.js';

export interface EvaluateRequest {
  /** Algorithms to compare with default parameters; absent: every configured model role. */
  algorithms?: string[] | undefined;
  /** The newest share of events held out as the test set (default 0.2). */
  testFraction?: number | undefined;
  /** Cut-offs (default [10, 20]). */
  k?: number[] | undefined;
  /** Only the newest this many events are used (default 200,000): keeps a run bounded. */
  maxEvents?: number | undefined;
}

/** One evaluated model: a configured role ("main") or an algorithm asked for by name. */
export interface EvaluatedModel extends AlgorithmResult {
  name: string;
}

export interface CurrentDataEvaluation {
  protocol: string;
  k: number[];
  testFraction: number;
  data: {
    /** Events used (the newest maxEvents of the store). */
    events: number;
    /** Whether older events were left out to respect maxEvents. */
    truncated: boolean;
    /** The time split's cutoff (ms): training before, test at or after. */
    cutoff: number;
    trainUsers: number;
    items: number;
    testUsers: number;
  };
  results: EvaluatedModel[];
  skipped: { name: string; reason: string }[];
  seconds: number;
}

const DEFAULT_MAX_EVENTS = 200_000;

/**
 * `magpie eval` on the stored data, for the dashboard: a time split of the newest events, each
 * model trained on the past and ranked against the held-out future (full ranking protocol). It
 * runs in the calling process, one run at a time; maxEvents bounds its cost on big stores.
 */
export class EvaluationService {
  private running = false;

  constructor(private readonly deps: { config: MagpieConfig; store: DataStore; now?: (() => number) | undefined }) {}

  async evaluate(req: EvaluateRequest = {}): Promise<CurrentDataEvaluation> {
    if (this.running) throw new MagpieError('EVALUATION_IN_PROGRESS', 'an evaluation is already running; retry when it has finished');
    this.running = true;
    try {
      return await this.run(req);
    } finally {
      this.running = false;
    }
  }

  private async run(req: EvaluateRequest): Promise<CurrentDataEvaluation> {
    const started = performance.now();
    const { config, store } = this.deps;
    const k = req.k ?? [10, 20];
    const testFraction = req.testFraction ?? 0.2;
    const models = (req.algorithms ?? null)?.map((a) => ({ name: a, algorithm: a, params: {} as unknown })) ??
      Object.entries(config.training.models).map(([role, spec]) => ({ name: role, algorithm: spec.algorithm, params: spec.params as unknown }));
    // Unknown names and bad parameters fail before any work.
    const planned = models.map((m) => {
      const algorithm = getAlgorithm(m.algorithm);
      return { ...m, algorithm, params: parseParams(algorithm, m.params, `model ${m.name}`) };
    });

    const { events, truncated } = await newestEvents(store, req.maxEvents ?? DEFAULT_MAX_EVENTS);
    if (events.length === 0) throw new MagpieError('VALIDATION_FAILED', 'there are no events to evaluate on');
    const split = timeSplit(events, { testFraction, types: config.feedback.types });
    const builder = new SnapshotBuilder(config.feedback.types);
    for await (const batch of store.scanItems(10_000)) for (const item of batch) builder.addItem(item.id, item);
    const catalogue = builder.build(this.deps.now?.() ?? Date.now());
    if (catalogue.content) split.train = { ...split.train, content: alignItemContent(catalogue.content, catalogue.items, split.train.items) };

    const results: EvaluatedModel[] = [];
    const skipped: { name: string; reason: string }[] = [];
    for (const m of planned) {
      if (m.algorithm.needsContent && !split.train.content) {
        skipped.push({ name: m.name, reason: 'the catalogue has no item content' });
        continue;
      }
      const t0 = performance.now();
      try {
        const model = await m.algorithm.train(split.train, m.params, { seed: config.training.seed });
        const trainSeconds = (performance.now() - t0) / 1000;
        const evaluation = await evaluateModelAsync(model, split, { k });
        results.push({ name: m.name, algorithm: m.algorithm.name, params: m.params, trainSeconds, evalSeconds: evaluation.seconds, metrics: evaluation.metrics });
      } catch (err) {
        if (!(err instanceof MagpieError) || err.code !== 'TRAINING_FAILED') throw err;
        skipped.push({ name: m.name, reason: err.message });
      }
    }
    return {
      protocol: `time split (newest ${testFraction} of events held out); ${FULL_RANKING_PROTOCOL}`,
      k,
      testFraction,
      data: {
        events: events.length,
        truncated,
        cutoff: split.cutoff,
        trainUsers: split.train.users.size,
        items: split.train.items.size,
        testUsers: split.test.users.length,
      },
      results,
      skipped,
      seconds: (performance.now() - started) / 1000,
    };
  }
}

/** The newest `max` events of the store (all of them when there are fewer). */
async function newestEvents(store: DataStore, max: number): Promise<{ events: FeedbackEvent[]; truncated: boolean }> {
  let events: FeedbackEvent[] = [];
  let truncated = false;
  for await (const batch of store.scanEvents(10_000)) {
    for (const e of batch) events.push(e);
    // Trimmed as it grows, so memory stays near 2 × max whatever the store holds.
    if (events.length > 2 * max) {
      events = newest(events, max);
      truncated = true;
    }
  }
  if (events.length > max) {
    events = newest(events, max);
    truncated = true;
  }
  return { events, truncated };
}

function newest(events: FeedbackEvent[], max: number): FeedbackEvent[] {
  return events.sort((a, b) => b.timestamp - a.timestamp).slice(0, max);
}
