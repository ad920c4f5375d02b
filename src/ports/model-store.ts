import type { JsonObject } from '../core/index.js';

export interface TrainingDataStats {
  users: number;
  items: number;
  interactions: number;
  events: number;
  /** Time range of the events trained on (ms), when known. */
  from: number | null;
  to: number | null;
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
}

export type NewModel = Omit<ModelMeta, 'version' | 'bytes'>;

export interface StoredModel {
  meta: ModelMeta;
  blob: Uint8Array;
}

/** Trained models, versioned per name. */
export interface ModelStore {
  save(meta: NewModel, blob: Uint8Array): Promise<ModelMeta>;
  latest(name: string): Promise<StoredModel | null>;
  get(name: string, version: number): Promise<StoredModel | null>;
  /** Highest version of name, 0 if none: a cheap poll for servers watching for new models. */
  latestVersion(name: string): Promise<number>;
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
