import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MagpieConfig } from '../config/index.js';
import { MagpieError } from '../core/index.js';
import { accessOfRequest, principalOf } from './auth.js';

const WINDOW_MS = 60_000;

/**
 * Per-client request limits over a one-minute window: a client is an API key (by name) when
 * auth is on, else an IP. A key's own rateLimitPerMinute always applies; server.rateLimit
 * (off by default, so benchmarks and the embedded quick start are unaffected) sets the limit of
 * everyone else. Counters live in this process: with --workers N each process counts apart.
 * Registered after auth: a request without a valid key is refused before it is counted.
 */
export async function installRateLimit(app: FastifyInstance, config: MagpieConfig): Promise<void> {
  const { enabled, perMinute } = config.server.rateLimit;
  const anyKeyLimited = config.server.auth.keys.some((k) => k.rateLimitPerMinute !== undefined);
  // Nothing to limit: leave the plugin out, so requests pay nothing for it.
  if (!enabled && !anyKeyLimited) return;

  const limitOf = (req: FastifyRequest): number | undefined => principalOf(req)?.rateLimitPerMinute ?? (enabled ? perMinute : undefined);

  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: WINDOW_MS,
    keyGenerator: (req) => {
      const who = principalOf(req);
      return who ? `key:${who.name}` : `ip:${req.ip}`;
    },
    max: (req) => limitOf(req) ?? Number.MAX_SAFE_INTEGER,
    // Liveness and the API reference are never limited, nor clients without a limit.
    allowList: (req) => accessOfRequest(req) === 'public' || limitOf(req) === undefined,
    errorResponseBuilder: (_req, ctx) =>
      new MagpieError('RATE_LIMITED', `more than ${ctx.max} requests in a minute; retry in ${ctx.after}`, {
        limitPerMinute: ctx.max,
        retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)),
      }),
  });
}
