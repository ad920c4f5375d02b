import { randomUUID } from 'node:crypto';
import { MagpieError, type Clock, type FeedbackEvent } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import type { DataStore, EventLog } from '../ports/index.js';
import type { LogApplier } from './applier.js';
import type { EventInput } from './schemas.js';

export interface IngestResult {
  accepted: number;
  /** Log positions of the batch. */
  firstSeq: number;
  lastSeq: number;
}

/**
 * Feedback ingest: check what the schema cannot (configured types, existing users/items),
 * append to the durable log, then (by default) wait until the batch is applied. Answering
 * after the append is what makes an acknowledged event crash-safe.
 */
export class IngestService {
  constructor(
    private readonly deps: {
      config: MagpieConfig;
      store: DataStore;
      log: EventLog;
      applier: LogApplier;
      clock: Clock;
      /**
       * Called once a batch is applied, before the answer (waitForApply only): whichever process
       * applied it, the one that answers retires the users' cached lists, so the client's next
       * read anywhere sees its write.
       */
      onApplied?: ((events: readonly FeedbackEvent[]) => Promise<void>) | undefined;
    },
  ) {}

  async ingest(inputs: readonly EventInput[]): Promise<IngestResult> {
    const { config, store, log, applier, clock } = this.deps;
    if (inputs.length > config.ingest.maxBatch) {
      throw new MagpieError('BATCH_TOO_LARGE', `a batch holds at most ${config.ingest.maxBatch} events`, {
        max: config.ingest.maxBatch,
        got: inputs.length,
      });
    }
    const types = config.feedback.types;
    const unknownTypes = inputs.flatMap((e, index) => (Object.hasOwn(types, e.type) ? [] : [{ index, type: e.type }]));
    if (unknownTypes.length > 0) {
      throw new MagpieError('UNKNOWN_FEEDBACK_TYPE', `unknown feedback type "${unknownTypes[0]!.type}"`, {
        known: Object.keys(types),
        events: unknownTypes.slice(0, 100),
      });
    }
    if (!config.feedback.createMissingUsers) {
      const missing = await store.missingUsers(unique(inputs.map((e) => e.user)));
      if (missing.length) throw new MagpieError('UNKNOWN_USER', `unknown user "${missing[0]}"`, { ids: missing.slice(0, 100) });
    }
    if (!config.feedback.createMissingItems) {
      const missing = await store.missingItems(unique(inputs.map((e) => e.item)));
      if (missing.length) throw new MagpieError('UNKNOWN_ITEM', `unknown item "${missing[0]}"`, { ids: missing.slice(0, 100) });
    }
    const now = clock.now();
    const events: FeedbackEvent[] = inputs.map((e) => ({
      id: e.id ?? randomUUID(),
      user: e.user,
      item: e.item,
      type: e.type,
      value: e.value ?? null,
      timestamp: e.timestamp ?? now,
      context: (e.context ?? null) as FeedbackEvent['context'],
    }));
    const { first, last } = await log.append(events);
    if (config.ingest.waitForApply) {
      await applier.drain();
      await this.deps.onApplied?.(events);
    } else {
      void applier.drain().catch(() => undefined); // the background loop retries
    }
    return { accepted: events.length, firstSeq: first, lastSeq: last };
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
