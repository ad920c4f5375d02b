import { z } from 'zod';
import { apiKeyEntrySchema } from './api-keys.js';
import { surfacesSchema } from './surfaces.js';

/**
 * The one configuration schema. Every field has a default, so `{}` is a working engine:
 * embedded SQLite in ./magpie.db, the HTTP API on :8080, iALS for personalised lists.
 * docs/configuration.md documents each field; keep the two in step.
 */

const feedbackType = z
  .strictObject({
    role: z.enum(['positive', 'negative', 'seen']).describe('What the event means for training and filtering.'),
    weight: z.number().min(0).default(1).describe('Interaction strength one event adds (positive role only).'),
    minValue: z.number().optional().describe('Events with a value below this count as negative (e.g. low ratings).'),
    scaleByValue: z.boolean().optional().describe("Multiply the weight by the event's value."),
  })
  .describe('One feedback type.');

export const DEFAULT_FEEDBACK_TYPES = {
  view: { role: 'seen', weight: 0 },
  click: { role: 'positive', weight: 1 },
  like: { role: 'positive', weight: 2 },
  share: { role: 'positive', weight: 2 },
  rating: { role: 'positive', weight: 1, minValue: 3 },
  purchase: { role: 'positive', weight: 4 },
  dislike: { role: 'negative', weight: 0 },
} as const;

const modelSpec = z.strictObject({
  algorithm: z.string().describe('A registered algorithm name (magpie algorithms lists them).'),
  params: z.record(z.string(), z.unknown()).default({}).describe("The algorithm's parameters; omitted ones take its defaults."),
});

type ModelSpecOut = z.infer<typeof modelSpec>;

/** Roles the serving pipeline knows: main (personalised), similar, popular, trending. */
export const DEFAULT_MODELS: Record<string, ModelSpecOut> = {
  main: { algorithm: 'blend', params: {} },
  similar: { algorithm: 'itemknn', params: {} },
  popular: { algorithm: 'popularity', params: { halfLifeDays: 0 } },
  trending: { algorithm: 'popularity', params: { halfLifeDays: 3 } },
};

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8080),
      bodyLimitBytes: z.number().int().positive().default(16 * 1024 * 1024),
      logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      auth: z
        .strictObject({
          keys: z
            .array(apiKeyEntrySchema)
            .default([])
            .superRefine((keys, ctx) => {
              const names = new Set<string>();
              const hashes = new Set<string>();
              keys.forEach((k, i) => {
                if (names.has(k.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `key name "${k.name}" is used twice` });
                if (hashes.has(k.hash)) ctx.addIssue({ code: 'custom', path: [i, 'hash'], message: 'the same key is listed twice' });
                names.add(k.name);
                hashes.add(k.hash);
              });
            })
            .describe('API keys (by hash) and their roles; none means the API is open.'),
        })
        .prefault({}),
      rateLimit: z
        .strictObject({
          enabled: z.boolean().default(false).describe('Limit every client (a key, else an IP) to perMinute requests.'),
          perMinute: z.number().int().positive().default(6000),
        })
        .prefault({}),
      cors: z
        .strictObject({
          origins: z
            .array(z.union([z.literal('*'), z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme://host[:port], no path')]))
            .default([])
            .describe('Browser origins allowed to call the API; none sends no CORS headers.'),
          credentials: z.boolean().default(false),
        })
        .prefault({})
        .refine((c) => !(c.credentials && c.origins.includes('*')), {
          message: 'credentials cannot be allowed for every origin ("*"): list the origins',
          path: ['credentials'],
        }),
    })
    .prefault({}),
  storage: z
    .strictObject({
      url: z
        .string()
        .default('sqlite:./magpie.db')
        .describe('sqlite:<path> (embedded, the default), sqlite::memory: or memory: (nothing kept on disk), postgres://user@host:5432/db?schema=name.'),
      eventLog: z
        .string()
        .regex(/^(store|nats:\/\/.+)$/, 'store, or a nats://host:port URL')
        .default('store')
        .describe('Where the durable feedback log lives: store (in the storage backend) or nats://host:4222 (a NATS JetStream stream).'),
      eventLogStream: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .default('magpie')
        .describe('The JetStream stream (and KV bucket prefix) of a nats:// event log; one per engine.'),
    })
    .prefault({}),
  feedback: z
    .strictObject({
      // Fresh copies per parse: a caller editing its config must not edit the next one's defaults.
      types: z.record(z.string().min(1).max(64), feedbackType).default(() => structuredClone({ ...DEFAULT_FEEDBACK_TYPES })),
      createMissingUsers: z.boolean().default(true).describe('Create bare users named by events.'),
      createMissingItems: z.boolean().default(true).describe('Create bare items named by events.'),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      maxBatch: z.number().int().positive().max(100_000).default(10_000),
      maxIdLength: z.number().int().positive().max(1024).default(256),
      waitForApply: z
        .boolean()
        .default(true)
        .describe('Answer POST /api/events only after the events are applied (read-your-writes).'),
    })
    .prefault({}),
  training: z
    .strictObject({
      seed: z.number().int().default(42),
      intervalMinutes: z.number().min(0).default(60).describe('Retrain inside `magpie serve` this often; 0 turns it off.'),
      onStart: z.enum(['always', 'if-missing', 'never']).default('if-missing'),
      holdoutFraction: z
        .number()
        .min(0)
        .max(0.5)
        .default(0.1)
        .describe('Share of the newest events held out to measure each trained model; 0 skips it.'),
      inWorker: z.boolean().default(true).describe('Train in a worker thread so serving stays responsive.'),
      gate: z
        .strictObject({
          enabled: z.boolean().default(true).describe('Promote a newly trained model only if it passes the validation gate; off: every new model serves.'),
          metric: z
            .string()
            .regex(/^(recall|ndcg|precision|map|mrr|hitrate|coverage)@(10|20)$/, 'a holdout metric: recall, ndcg, precision, map, mrr, hitrate or coverage, @10 or @20')
            .default('ndcg@20')
            .describe('The holdout metric the gate compares (higher is better).'),
          tolerance: z
            .number()
            .min(0)
            .max(1)
            .default(0.02)
            .describe("How much worse than the serving model's score, as a fraction of it, a new model may be and still be promoted."),
        })
        .prefault({})
        .describe('The validation gate between a trained model and serving (docs/models.md).'),
      driftWindow: z
        .number()
        .int()
        .min(100)
        .default(10_000)
        .describe("Event-log records on each side of the drift signal: the last ones the serving model's snapshot had applied, and the last ones now."),
      models: z
        .record(z.string(), modelSpec.nullable())
        .default({})
        .transform((given) => {
          const merged: Record<string, ModelSpecOut | null> = { ...structuredClone(DEFAULT_MODELS), ...given };
          return Object.fromEntries(
            Object.entries(merged).filter((e): e is [string, ModelSpecOut] => e[1] !== null),
          );
        })
        .describe('Models trained on each run, by role, merged over the defaults (null removes a role).'),
    })
    .prefault({}),
  serving: z
    .strictObject({
      defaultN: z.number().int().positive().default(10),
      maxN: z.number().int().positive().default(500),
      historyLimit: z.number().int().positive().default(500).describe('How many recent events describe a user.'),
      excludeSeen: z.boolean().default(true).describe('Never recommend an item the user already interacted with.'),
      modelPollSeconds: z.number().positive().default(5).describe('How often a server checks for a newer model.'),
      surfaces: surfacesSchema,
      retrieval: z
        .enum(['exact', 'auto', 'hnsw'])
        .default('exact')
        .describe('Collaborative candidates: exact scan of every item (SIMD), an HNSW graph (usearch; built per process when a model is swapped in), or auto (HNSW from 30,000 items).'),
      cacheEntries: z.number().int().min(1).default(100_000).describe('Most cached lists kept in memory per server process (LRU).'),
      logImpressions: z.boolean().default(true).describe('Log every served list as an impression (CTR, ranker training).'),
      attributionMinutes: z.number().positive().default(30).describe('An outcome without a request id is attributed to the newest impression of its item within this window.'),
    })
    .prefault({}),
  demo: z.boolean().default(false).describe('Load the generated demo data set when the store is empty.'),
});

export type MagpieConfig = z.infer<typeof configSchema>;
export type MagpieConfigInput = z.input<typeof configSchema>;
export type ModelSpec = z.infer<typeof modelSpec>;
