import type { ApiRole } from '../config/index.js';

/**
 * Who may call what: the one table from route to the role it needs (docs/api.md shows it).
 * Roles nest: admin can do everything write can, write everything read can.
 *
 * - public: liveness, the API reference and CORS preflights (a browser sends no key on those).
 * - read: everything that only reads or serves, including rerank (it changes nothing; a
 *   serving client that reorders search results should not need a key that can delete users).
 * - write: changing users, items and feedback.
 * - admin: training and operations.
 *
 * buildServer refuses to start when a route has no entry here, so a new route cannot be
 * forgotten. HEAD follows GET.
 */
export type Access = 'public' | ApiRole;

export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  'GET /health': 'public',
  'GET /': 'public',
  'GET /docs': 'public',
  'GET /docs/': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'OPTIONS *': 'public',
  'GET /dashboard': 'public',
  'GET /api/auth': 'public',
  'GET /dashboard/*': 'public',

  'GET /metrics': 'read',
  'GET /api/status': 'read',
  'GET /api/models': 'read',
  'GET /api/models/:name/:version': 'read',
  'GET /api/stats/ctr': 'read',
  'GET /api/stats/events': 'read',
  'GET /api/me': 'read',
  'GET /api/stats/serving': 'read',
  'GET /api/items/:id/audience': 'read',
  'GET /api/users': 'read',
  'GET /api/users/:id': 'read',
  'GET /api/users/:id/events': 'read',
  'GET /api/items': 'read',
  'GET /api/items/:id': 'read',
  'GET /api/items/:id/similar': 'read',
  'GET /api/recommend/:user': 'read',
  'GET /api/popular': 'read',
  'GET /api/trending': 'read',
  'GET /api/latest': 'read',
  'GET /api/experiments': 'read',
  'GET /api/experiments/:id': 'read',
  'GET /api/experiments/:id/report': 'read',
  'POST /api/rerank': 'read',

  'POST /api/users': 'write',
  'PATCH /api/users/:id': 'write',
  'DELETE /api/users/:id': 'write',
  'POST /api/items': 'write',
  'PATCH /api/items/:id': 'write',
  'DELETE /api/items/:id': 'write',
  'POST /api/events': 'write',

  'POST /api/admin/train': 'admin',
  'POST /api/admin/experiments': 'admin',
  'POST /api/admin/experiments/:id/start': 'admin',
  'POST /api/admin/experiments/:id/stop': 'admin',
  'GET /api/admin/inspect/:user': 'admin',
  'POST /api/admin/eval': 'admin',
  'POST /api/admin/models/:name/:version/promote': 'admin',
  'POST /api/admin/models/:name/rollback': 'admin',
};

const RANK: Record<ApiRole, number> = { read: 1, write: 2, admin: 3 };

export function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

/** The access a route needs; undefined when the table has no entry. */
export function accessOf(method: string, url: string): Access | undefined {
  const key = routeKey(method, url);
  return Object.hasOwn(ROUTE_ACCESS, key) ? ROUTE_ACCESS[key] : undefined;
}

/**
 * A request that matched no route still needs a key (read), so that a caller without one
 * learns nothing about which paths exist.
 */
export const UNMATCHED_ACCESS: Access = 'read';

export function roleAllows(role: ApiRole, needed: Access): boolean {
  return needed === 'public' || RANK[role] >= RANK[needed];
}
