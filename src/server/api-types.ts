import type { z } from 'zod';
import type { ErrorCode } from '../core/index.js';
import type { Schemas } from '../services/index.js';
import type { EngineStatus } from './deps.js';
import type { errorOut, eventOut, itemOut, recommendationOut, userOut } from './format.js';
import type {
  audienceOut,
  eventCountsOut,
  evaluationBody,
  evaluationOut,
  inspectionOut,
  meOut,
  servingStatsOut,
} from './routes/insight.js';
import type { upsertedOut } from './routes/common.js';
import type { ingestOut } from './routes/events.js';
import type { ctrOut } from './routes/recommend.js';
import type { modelMetaOut } from './routes/models.js';

/**
 * The API's wire types, inferred from the zod schemas the routes validate and serialise with,
 * so that src/client (which imports only these types) cannot drift from the server.
 */
export type { ErrorCode };
export type ApiUser = z.infer<typeof userOut>;
export type ApiItem = z.infer<typeof itemOut>;
export type ApiEvent = z.infer<typeof eventOut>;
export type ApiRecommendation = z.infer<typeof recommendationOut>;
export type ApiError = z.infer<typeof errorOut>;
export type ApiModelMeta = z.infer<typeof modelMetaOut>;
export type ApiEventCounts = z.infer<typeof eventCountsOut>;
export type ApiServingStats = z.infer<typeof servingStatsOut>;
export type ApiInspection = z.infer<typeof inspectionOut>;
export type ApiAudience = z.infer<typeof audienceOut>;
export type ApiEvaluation = z.infer<typeof evaluationOut>;
export type ApiMe = z.infer<typeof meOut>;
export type ApiUpserted = z.infer<typeof upsertedOut>;
export type ApiIngested = z.infer<typeof ingestOut>;
export type ApiCtr = z.infer<typeof ctrOut>;
export interface ApiPage<T> {
  items: T[];
  next: string | null;
}
export type ApiEvaluationRequest = z.input<typeof evaluationBody>;

/** Request bodies as a caller may send them (timestamps as ISO strings or epoch ms). */
export type ApiUserInput = z.input<Schemas['userInput']>;
export type ApiItemInput = z.input<Schemas['itemInput']>;
export type ApiEventInput = z.input<Schemas['eventInput']>;
export type ApiUserPatch = z.input<Schemas['userPatch']>;
export type ApiItemPatch = z.input<Schemas['itemPatch']>;

/** GET /api/status: EngineStatus with its times as ISO-8601 strings (the route converts them). */
export type ApiStatus = Omit<EngineStatus, 'models' | 'training'> & {
  models: Record<string, Omit<EngineStatus['models'][string], 'trainedAt'> & { trainedAt: string | null }>;
  training: Omit<EngineStatus['training'], 'lastRunAt'> & { lastRunAt: string | null };
};
