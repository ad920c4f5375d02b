import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { MagpieError } from '../core/index.js';

/**
 * Where `npm run build` puts the dashboard: <package>/dist/dashboard, reached the same way from
 * src/server (tests, tsx) and dist/server (the published package).
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

/**
 * Serves the dashboard's static files at /dashboard/. The files are public (access.ts): they
 * hold no data; the page asks for an API key when the server has keys, and every API call it
 * makes is checked like any other. Without a build the routes answer 404 saying so.
 */
export async function installDashboard(app: FastifyInstance, dir = DASHBOARD_DIR): Promise<void> {
  app.get('/dashboard', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/dashboard/'));
  if (!existsSync(dir)) {
    app.get('/dashboard/*', { schema: { hide: true } }, async () => {
      throw new MagpieError('ROUTE_NOT_FOUND', 'the dashboard is not built: run `npm run build`');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/dashboard/',
    // swagger-ui registers its own copy of this plugin; the reply decorator can exist once.
    decorateReply: false,
    index: ['index.html'],
    // Built files carry a content hash in their names (vite): they never change under one name.
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      res.setHeader('x-content-type-options', 'nosniff');
    },
    schemaHide: true,
  });
}
