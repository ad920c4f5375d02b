import type { MagpieConfig, MagpieConfigInput } from '../config/index.js';
import type { TrainProgress } from '../algorithms/index.js';
import type { IngestService, ModelRegistry, RecommendService, RecordsService, Schemas, TrainingSummary } from '../services/index.js';

/** What the commands need of an engine; bootstrap's Engine provides it. */
export interface CliEngine {
  readonly config: MagpieConfig;
  readonly schemas: Schemas;
  readonly records: RecordsService;
  readonly ingest: IngestService;
  readonly models: { get(role: string): unknown };
  readonly registry: Pick<ModelRegistry, 'list' | 'show' | 'promote' | 'rollback'>;
  readonly recommend: Pick<RecommendService, 'recommend'>;
  status(): Promise<{ counts: { users: number } }>;
  seedDemo(onProgress?: (done: number, total: number) => void): Promise<{ seeded: boolean; users: number; items: number; events: number }>;
  train(): Promise<TrainingSummary>;
  listen(): Promise<{ url: string }>;
  close(): Promise<void>;
}

export interface CliEngineOptions {
  onTrainProgress?: (p: TrainProgress) => void;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export type EngineFactory = (
  overrides: MagpieConfigInput,
  opts: CliEngineOptions,
  configFile: string | undefined,
) => Promise<CliEngine>;

/** The --config/--db/--storage options every engine command shares. */
export interface StorageOptions {
  config?: string;
  db?: string;
  storage?: string;
}

export function storageOverrides(o: StorageOptions): MagpieConfigInput {
  if (o.storage) return { storage: { url: o.storage } };
  if (o.db) return { storage: { url: `sqlite:${o.db}` } };
  return {};
}

/** What `magpie migrate` did to the configured store's schema. */
export interface StorageMigrationReport {
  /** sqlite, postgres or memory. */
  backend: string;
  /** The file, or the URL with any password masked. */
  location: string;
  /** Versions applied by this run, in order (empty: it was already current). */
  applied: number[];
  /** The schema version afterwards. */
  current: number;
  /** Set when the backend has no schema to migrate (in-memory storage). */
  note?: string | undefined;
}

/** Brings the configured store's schema up to date; bootstrap provides it. */
export type StorageMigrator = (overrides: MagpieConfigInput, configFile: string | undefined) => Promise<StorageMigrationReport>;
