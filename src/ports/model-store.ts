import type { JsonObject } from '../core/index.js';

export interface TrainingDataStats {
  users: number;
  items: number;
  interactions: number;
  events: number;
  /** Time range of the events trained on (ms), when known. */
  from: number | null;
  to: number | null;
  /**
   * The event-log position the store had applied when the snapshot was taken: the drift signal's
   * reference window ends there (services/drift.ts). Absent on models saved before it was kept.
   */
  logSeq?: number | null;
}

/**
 * Where a version stands in the registry: a candidate was saved and never served; serving is the
 * one version of its name that servers load; retired served once and was replaced or rolled back.
 */
export type ModelState = 'candidate' | 'serving' | 'retired';

/** The validation gate's verdict on a trained model, recorded with it (services/model-gate.ts). */
export interface GateRecord {
  passed: boolean;
  /** The holdout metric compared, e.g. "ndcg@20". */
  metric: string;
  /** The new model's score on the holdout; null when it could not be measured. */
  candidate: number | null;
  /** The serving model's score on the same holdout; null when there was nothing to compare with. */
  serving: number | null;
  /** How much worse (a fraction of the serving score) the candidate may be and still pass. */
  tolerance: number;
  reason: string;
}

/** One promotion of a version; a rollback ends the newest one still standing. */
export interface PromotionRecord {
  version: number;
  promotedAt: number;
  /** When a rollback ended this promotion; null while it stands. */
  rolledBackAt: number | null;
}

export interface ModelMeta {
  /** The role this model plays (e.g. "main", "popular", "trending", "similar"). */
  name: string;
  /** 1, 2, 3… per name. */
  version: number;
  algorithm: string;
  params: JsonObject;
  /** Offline metrics on the holdout, e.g. { "ndcg@20": 0.12 }. */
  metrics: Record<string, number>;
  trainedAt: number;
  trainingSeconds: number;
  data: TrainingDataStats;
  bytes: number;
  state: ModelState;
  /** When this version last became serving; null if it never has. */
  promotedAt: number | null;
  /** The gate's verdict when it was trained; null when no gate judged it (e.g. saved by hand). */
  gate: GateRecord | null;
}

/** What a caller saves: the store assigns version, size and registry state (a new model is a candidate). */
export type NewModel = Omit<ModelMeta, 'version' | 'bytes' | 'state' | 'promotedAt' | 'gate'> & { gate?: GateRecord | null };

export interface StoredModel {
  meta: ModelMeta;
  blob: Uint8Array;
}

/**
 * Trained models, versioned per name, and the registry of which version serves: at most one
 * version per name is serving at any time, across every process sharing the store.
 */
export interface ModelStore {
  /** Stores a new version as a candidate (promote() puts it in service). */
  save(meta: NewModel, blob: Uint8Array): Promise<ModelMeta>;
  /** The most recently saved version, whatever its state. */
  latest(name: string): Promise<StoredModel | null>;
  get(name: string, version: number): Promise<StoredModel | null>;
  /** Metadata of one version without its blob; null when there is no such version. */
  meta(name: string, version: number): Promise<ModelMeta | null>;
  /** Highest version of name, 0 if none. */
  latestVersion(name: string): Promise<number>;
  /** The serving version of name, 0 if none: the cheap poll of servers watching for a swap. */
  servingVersion(name: string): Promise<number>;
  /**
   * Makes version serve, atomically: the version serving before it (if another) becomes retired,
   * and the promotion is appended to the history. Promoting the serving version changes nothing.
   * MODEL_NOT_FOUND when there is no such version.
   */
  promote(name: string, version: number): Promise<ModelMeta>;
  /**
   * Ends the newest standing promotion: its version is retired and the version promoted before
   * it serves again (returned). NOTHING_TO_ROLL_BACK when no earlier promotion stands.
   */
  rollback(name: string): Promise<ModelMeta>;
  /** The promotion history of name, newest first. */
  promotions(name: string): Promise<PromotionRecord[]>;
  /** Metadata only, most recently saved first; all names when name is absent. */
  list(name?: string): Promise<ModelMeta[]>;
  /**
   * Takes or renews the lease `name` for `holder` until ttlMs from now, atomically across every
   * process sharing the store: true when the lease was free, had expired or was already this
   * holder's (then its expiry moves to now + ttlMs), false while another holder has it. A lease
   * whose holder died lapses by itself once its time is up. ttlMs must be a positive whole
   * number of milliseconds (VALIDATION_FAILED otherwise). Used to elect one trainer among processes (see
   * services/training-lease.ts).
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease when `holder` has it; does nothing when another holder has it, or nobody. */
  releaseLease(name: string, holder: string): Promise<void>;
  close(): Promise<void>;
}
