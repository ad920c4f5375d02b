import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyLoggerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { LoggerOptions as PinoLoggerOptions } from 'pino';
import { MagpieError } from '../core/index.js';
import { accessOf } from './access.js';
import { installAuth, Keyring } from './auth.js';
import { installCors } from './cors.js';
import { installDashboard } from './dashboard-static.js';
import type { ServerDeps } from './deps.js';
import { sendError } from './errors.js';
import { installJsonParser } from './json-body.js';
import { installRateLimit } from './rate-limit.js';
import { eventRoutes } from './routes/events.js';
import { experimentRoutes } from './routes/experiments.js';
import { insightRoutes } from './routes/insight.js';
import { itemRoutes } from './routes/items.js';
import { modelRoutes } from './routes/models.js';
import { recommendRoutes } from './routes/recommend.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';

export interface BuildServerOptions {
  /** A pino level, or false for no logs; defaults to server.logLevel. */
  logger?: boolean | { level: string };
  /** Where log lines go (default stdout). */
  logStream?: FastifyLoggerOptions['stream'];
}

/**
 * Key material never reaches a log line, whatever a serializer or a debugging session adds:
 * the credential headers are censored wherever a request's headers are logged.
 */
const REDACTED_PATHS = ['req.headers', 'request.headers', 'headers', '*.headers'].flatMap((at) =>
  ['authorization', 'x-api-key', 'cookie'].map((h) => `${at}["${h}"]`),
);

function loggerOptions(level: string, opts: BuildServerOptions): false | (FastifyLoggerOptions & PinoLoggerOptions) {
  if (opts.logger === false) return false;
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(opts.logStream ? { stream: opts.logStream } : {}),
  };
}

/** The HTTP API: routes per resource, zod schemas → validation and OpenAPI at /docs. */
export async function buildServer(deps: ServerDeps, opts: BuildServerOptions = {}): Promise<FastifyInstance> {
  const keyring = new Keyring(deps.config.server.auth.keys);
  const level = typeof opts.logger === 'object' ? opts.logger.level : deps.config.server.logLevel;
  const app = Fastify({
    logger: loggerOptions(level, opts),
    bodyLimit: deps.config.server.bodyLimitBytes,
    // Ids may be long; the schemas bound them, not the router.
    routerOptions: { maxParamLength: 2048 },
    // Errors raised before routing (a URL that does not decode, a parameter over the length
    // above) get our error format too; Fastify's own body would not match the API's contract.
    frameworkErrors: (err, req, reply) => void sendError(err, req, reply),
    // Per-request lines only when debugging: at serving rates they would drown everything else.
    logController: new LogController({
      disableRequestLogging: level !== 'debug' && level !== 'trace',
    }),
  });
  // The API speaks JSON only; a text body is refused with 415 instead of failing validation.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) =>
    sendError(new MagpieError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`), req, reply),
  );

  // Every route must say who may call it (access.ts): checked as it is added, plugins' too.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (accessOf(method, route.url) === undefined) {
        throw new Error(`route ${method} ${route.url} has no entry in the access table (src/server/access.ts)`);
      }
    }
  });
  // Order matters: CORS answers preflights before auth; auth runs before rate limiting counts.
  await installCors(app, deps.config);
  installAuth(app, keyring);
  await installRateLimit(app, deps.config);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Magpie',
        version: '0.1.0',
        description: 'Recommendation engine API. Errors answer {"error":{"code","message","details"}}.',
      },
      ...(keyring.enabled
        ? {
            components: {
              securitySchemes: {
                bearer: { type: 'http', scheme: 'bearer', description: 'An API key from `magpie keys create`.' },
                apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
              },
            },
            security: [{ bearer: [] }, { apiKey: [] }],
          }
        : {}),
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  deps.metrics.install(app);
  systemRoutes(app, deps);
  modelRoutes(app, deps);
  userRoutes(app, deps);
  itemRoutes(app, deps);
  eventRoutes(app, deps);
  recommendRoutes(app, deps);
  experimentRoutes(app, deps);
  insightRoutes(app, deps);
  await installDashboard(app);
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs'));
  return app;
}
