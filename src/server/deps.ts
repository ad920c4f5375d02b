import type { MagpieConfig } from '../config/index.js';
import type { CtrQuery, CtrRow, EventBucket, EventCountQuery, ModelMeta, StoreCounts } from '../ports/index.js';
import type {
  Audience,
  AudienceQuery,
  CurrentDataEvaluation,
  DriftSignal,
  EvaluateRequest,
  ExperimentService,
  IngestService,
  InspectService,
  ModelRegistry,
  RecommendService,
  RecordsService,
  Schemas,
  TrainingSummary,
} from '../services/index.js';
import type { ServerMetrics } from './metrics.js';

export interface EngineStatus {
  counts: StoreCounts;
  /** The models in service, by role. */
  models: Record<string, Pick<ModelMeta, 'version' | 'algorithm' | 'trainedAt' | 'metrics' | 'trainingSeconds'>>;
  training: { state: 'idle' | 'running'; lastRunAt: number | null; lastError: string | null };
  /** Events appended but not yet applied. */
  logLag: number;
  /** How far recent events have moved from the serving main model's training snapshot; null: unknown. */
  drift: DriftSignal | null;
}

/** What the HTTP layer needs from the engine; bootstrap provides it. */
export interface ServerDeps {
  config: MagpieConfig;
  schemas: Schemas;
  records: RecordsService;
  ingest: IngestService;
  recommend: RecommendService;
  experiments: ExperimentService;
  metrics: ServerMetrics;
  status(): Promise<EngineStatus>;
  listModels(name?: string): Promise<ModelMeta[]>;
  /** List, show, promote and roll back model versions (promote and rollback swap this server's models at once). */
  registry: Pick<ModelRegistry, 'list' | 'show' | 'promote' | 'rollback'>;
  /** Click-through rates from the impression store (after flushing queued impressions). */
  ctr(q: CtrQuery): Promise<CtrRow[]>;
  /** Starts a training run and resolves when it has finished and its models are in service. */
  train(): Promise<TrainingSummary>;
  /** Stored events per time bucket (the dashboard's events-per-minute chart). */
  eventCounts(q: EventCountQuery): Promise<EventBucket[]>;
  /** Replays a user's request stage by stage (GET /api/admin/inspect/:user). */
  inspect: InspectService;
  /** The users an item was recently shown to (after flushing queued impressions). */
  audience(item: string, q: AudienceQuery): Promise<Audience>;
  /** Offline evaluation on the stored data (POST /api/admin/eval). */
  evaluate(req: EvaluateRequest): Promise<CurrentDataEvaluation>;
}
