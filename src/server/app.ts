import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { MagpieError } from '../core/index.js';
import type { ServerDeps } from './deps.js';
import { sendError } from './errors.js';
import { eventRoutes } from './routes/events.js';
import { itemRoutes } from './routes/items.js';
import { recommendRoutes } from './routes/recommend.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';

export interface BuildServerOptions {
  /** pino options or false; defaults to the configured level. */
  logger?: boolean | { level: string };
}

/** The HTTP API: routes per resource, zod schemas → validation and OpenAPI at /docs. */
export async function buildServer(deps: ServerDeps, opts: BuildServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? { level: deps.config.server.logLevel },
    bodyLimit: deps.config.server.bodyLimitBytes,
    // Ids may be long; the schemas bound them, not the router.
    routerOptions: { maxParamLength: 2048 },
    // Per-request lines only when debugging: at serving rates they would drown everything else.
    logController: new LogController({
      disableRequestLogging: deps.config.server.logLevel !== 'debug' && deps.config.server.logLevel !== 'trace',
    }),
  });
  // The API speaks JSON only; a text body is refused with 415 instead of failing validation.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) =>
    sendError(new MagpieError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`), req, reply),
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Magpie',
        version: '0.1.0',
        description: 'Recommendation engine API. Errors answer {"error":{"code","message","details"}}.',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  deps.metrics.install(app);
  systemRoutes(app, deps);
  userRoutes(app, deps);
  itemRoutes(app, deps);
  eventRoutes(app, deps);
  recommendRoutes(app, deps);
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs'));
  return app;
}
