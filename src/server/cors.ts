import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { MagpieConfig } from '../config/index.js';

/**
 * CORS for the configured browser origins only. With none configured the plugin is left out
 * and no response carries CORS headers (browsers then refuse cross-origin calls).
 * Registered before auth: a browser's preflight carries no key and is answered here.
 */
export async function installCors(app: FastifyInstance, config: MagpieConfig): Promise<void> {
  const { origins, credentials } = config.server.cors;
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  await app.register(fastifyCors, {
    // false for a refused origin: no CORS headers at all, and its preflight finds no route.
    origin: (origin, cb) => cb(null, origin !== undefined && (any || allowed.has(origin))),
    credentials,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'x-api-key', 'content-type'],
    exposedHeaders: ['retry-after', 'www-authenticate', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
    // An OPTIONS without Access-Control-Request-Method would get a text/plain 400 otherwise;
    // answering it like a preflight is harmless and keeps every error in our format.
    strictPreflight: false,
  });
}
