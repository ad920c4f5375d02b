import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_KEY_PATTERN, type ApiKeyEntry, type ApiRole } from '../config/index.js';
import { MagpieError } from '../core/index.js';
import { accessOf, roleAllows, routeKey, UNMATCHED_ACCESS, type Access } from './access.js';

/** The holder of the key a request came with (never the key itself). */
export interface Principal {
  readonly name: string;
  readonly role: ApiRole;
  readonly rateLimitPerMinute: number | undefined;
}

/**
 * The configured keys, by SHA-256 digest. Verifying costs one SHA-256 of the presented key and
 * one constant-time comparison per configured key (about a microsecond), so nothing is cached:
 * a cache would only keep key material in memory (ADR 0007).
 */
export class Keyring {
  private readonly keys: { principal: Principal; digest: Buffer }[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.keys = entries.map((e) => ({
      principal: { name: e.name, role: e.role, rateLimitPerMinute: e.rateLimitPerMinute },
      digest: Buffer.from(e.hash.slice('sha256:'.length), 'hex'),
    }));
  }

  /** No keys configured: the API is open (the embedded quick start needs none). */
  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The holder of `presented`, or null. Every configured digest is compared, match or not. */
  verify(presented: string): Principal | null {
    if (!API_KEY_PATTERN.test(presented)) return null;
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: Principal | null = null;
    for (const k of this.keys) {
      if (timingSafeEqual(digest, k.digest) && found === null) found = k.principal;
    }
    return found;
  }
}

/**
 * The credential a request carries: `Authorization: Bearer <key>`, else `x-api-key: <key>`.
 * undefined when it carries none; '' (never valid) for another Authorization scheme.
 */
export function presentedCredential(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.length > 0) {
    // Only the Bearer scheme carries a key; anything else fails as an invalid key.
    return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth)?.[1] ?? '';
  }
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return header.length > 0 ? header : undefined;
  // A repeated x-api-key header is ambiguous: refuse it rather than pick one.
  return Array.isArray(header) ? '' : undefined;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** Who made the request; undefined when auth is off or the route is public. */
export function principalOf(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

/** The access a request needs, from the route it matched. */
export function accessOfRequest(req: FastifyRequest): Access {
  const url = req.routeOptions.url;
  if (url === undefined) return UNMATCHED_ACCESS;
  // A route missing from the table cannot exist (buildServer refuses it); admin if one slips by.
  return accessOf(req.method, url) ?? 'admin';
}

const CHALLENGE = 'Bearer realm="magpie"';

/**
 * Checks the key and role of every request before its body is read, so a caller without a
 * valid key cannot make the server parse anything. Answers 401 (with WWW-Authenticate) for a
 * missing or invalid key and 403 for a key whose role is too low.
 */
export function installAuth(app: FastifyInstance, keyring: Keyring): void {
  if (!keyring.enabled) return;
  app.addHook('onRequest', async (req, reply) => {
    const access = accessOfRequest(req);
    if (access === 'public') return;
    const presented = presentedCredential(req);
    if (presented === undefined) {
      void reply.header('www-authenticate', CHALLENGE);
      throw new MagpieError('UNAUTHORIZED', 'this request needs an API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    const who = keyring.verify(presented);
    if (who === null) {
      void reply.header('www-authenticate', `${CHALLENGE}, error="invalid_token"`);
      // Never echo what was presented: it may be a real key sent to the wrong server.
      throw new MagpieError('UNAUTHORIZED', 'the API key is not valid');
    }
    if (!roleAllows(who.role, access)) {
      const route = req.routeOptions.url === undefined ? 'this path' : routeKey(req.method, req.routeOptions.url);
      throw new MagpieError('FORBIDDEN', `key "${who.name}" has the role ${who.role}; ${route} needs ${access}`, {
        role: who.role,
        needed: access,
      });
    }
    principals.set(req, who);
    req.log = req.log.child({ keyName: who.name });
  });
}
