import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { FastifyInstance, HTTPMethods, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Engine } from '../../bootstrap/index.js';
import { ERROR_CODES, type ErrorCode } from '../../core/index.js';
import { HTTP_STATUS } from '../errors.js';

/**
 * Every route of the API as a fuzzing target: a valid request (every optional field filled)
 * that the fuzzers then break. fuzz.test.ts checks that this list and the access table name
 * the same routes, so a new route cannot escape fuzzing.
 */
export interface FuzzTarget {
  /** As in the access table: "METHOD /pattern". */
  route: string;
  method: HTTPMethods;
  /** The URL pattern; each key of `params` in it is replaced by a value. */
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** A valid body, when the route takes one. */
  body?: unknown;
  /** Relative share of fuzz runs (training is slow, so it gets few). */
  weight?: number;
}

const list = { n: '5', offset: '1', category: 'sci-fi', exclude: 's1,r1' };
const surface = { ...list, surface: 'home', tags: 'space,old', filter: 'year > 1990 and "sci-fi" in categories' };
const page = { limit: '5' };
const user = { ':id': 'user1' };
const item = { ':id': 's1' };

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  { route: 'GET /health', method: 'GET', url: '/health', params: {}, query: {} },
  { route: 'GET /', method: 'GET', url: '/', params: {}, query: {} },
  { route: 'GET /docs', method: 'GET', url: '/docs', params: {}, query: {} },
  { route: 'GET /docs/', method: 'GET', url: '/docs/', params: {}, query: {} },
  { route: 'GET /docs/static/*', method: 'GET', url: '/docs/static/*', params: { '*': 'index.css' }, query: {} },
  { route: 'GET /docs/json', method: 'GET', url: '/docs/json', params: {}, query: {} },
  { route: 'GET /docs/yaml', method: 'GET', url: '/docs/yaml', params: {}, query: {} },
  { route: 'GET /docs/static/index.html', method: 'GET', url: '/docs/static/index.html', params: {}, query: {} },
  { route: 'GET /docs/static/swagger-initializer.js', method: 'GET', url: '/docs/static/swagger-initializer.js', params: {}, query: {} },
  { route: 'OPTIONS *', method: 'OPTIONS', url: '/api/*', params: { '*': 'popular' }, query: {} },
  { route: 'GET /metrics', method: 'GET', url: '/metrics', params: {}, query: {} },
  { route: 'GET /api/status', method: 'GET', url: '/api/status', params: {}, query: {} },
  { route: 'GET /api/models', method: 'GET', url: '/api/models', params: {}, query: { name: 'main' } },
  { route: 'GET /api/models/:name/:version', method: 'GET', url: '/api/models/:name/:version', params: { ':name': 'main', ':version': '1' }, query: {} },
  { route: 'GET /api/stats/ctr', method: 'GET', url: '/api/stats/ctr', params: {}, query: { by: 'source', surface: 'home', from: '0', to: '4102444800000' } },
  { route: 'GET /api/users', method: 'GET', url: '/api/users', params: {}, query: page },
  { route: 'GET /api/users/:id', method: 'GET', url: '/api/users/:id', params: user, query: {} },
  {
    route: 'GET /api/users/:id/events',
    method: 'GET',
    url: '/api/users/:id/events',
    params: user,
    query: { limit: '5', before: '4102444800000', beforeId: 'e9' },
  },
  { route: 'GET /api/items', method: 'GET', url: '/api/items', params: {}, query: page },
  { route: 'GET /api/items/:id', method: 'GET', url: '/api/items/:id', params: item, query: {} },
  { route: 'GET /api/items/:id/similar', method: 'GET', url: '/api/items/:id/similar', params: item, query: { ...surface, surface: 'item', user: 'user2' } },
  { route: 'GET /api/recommend/:user', method: 'GET', url: '/api/recommend/:user', params: { ':user': 'user1' }, query: surface },
  { route: 'GET /api/popular', method: 'GET', url: '/api/popular', params: {}, query: list },
  { route: 'GET /api/trending', method: 'GET', url: '/api/trending', params: {}, query: list },
  { route: 'GET /api/latest', method: 'GET', url: '/api/latest', params: {}, query: list },
  {
    route: 'POST /api/rerank',
    method: 'POST',
    url: '/api/rerank',
    params: {},
    query: {},
    body: { user: 'user1', items: ['s1', 'r2', 'zz'], n: 2, surface: 'rerank', filter: 'year > 1990' },
  },
  {
    route: 'POST /api/users',
    method: 'POST',
    url: '/api/users',
    params: {},
    query: {},
    body: [{ id: 'fz-user', attributes: { country: 'FR', age: 31, langs: ['fr', 'en'], extra: { a: null } }, createdAt: '2026-01-01T00:00:00Z' }],
  },
  { route: 'PATCH /api/users/:id', method: 'PATCH', url: '/api/users/:id', params: user, query: {}, body: { attributes: { country: 'DE', gone: null } } },
  { route: 'DELETE /api/users/:id', method: 'DELETE', url: '/api/users/:id', params: { ':id': 'user39' }, query: {} },
  {
    route: 'POST /api/items',
    method: 'POST',
    url: '/api/items',
    params: {},
    query: {},
    body: [
      {
        id: 'fz-item',
        kind: 'film',
        title: 'A Title',
        text: 'Some text about it.',
        categories: ['sci-fi'],
        tags: ['space'],
        numeric: { year: 2016, price: 9.5 },
        embedding: [0.1, -0.2, 0.3],
        createdAt: 1767225600000,
        hidden: false,
      },
    ],
  },
  {
    route: 'PATCH /api/items/:id',
    method: 'PATCH',
    url: '/api/items/:id',
    params: item,
    query: {},
    body: {
      kind: 'film',
      title: 'New',
      text: 'New text',
      categories: ['sci-fi', 'classic'],
      tags: ['space'],
      numeric: { year: 1999, price: null },
      embedding: null,
      createdAt: '2025-06-01T12:00:00.000+02:00',
      hidden: false,
    },
  },
  { route: 'DELETE /api/items/:id', method: 'DELETE', url: '/api/items/:id', params: { ':id': 'r6' }, query: {} },
  {
    route: 'POST /api/events',
    method: 'POST',
    url: '/api/events',
    params: {},
    query: {},
    body: [
      {
        id: 'fz-event',
        user: 'user1',
        item: 's2',
        type: 'rating',
        value: 4.5,
        timestamp: '2026-02-01T10:00:00Z',
        context: { surface: 'home', requestId: 'r-1', position: 2 },
      },
    ],
  },
  { route: 'POST /api/admin/train', method: 'POST', url: '/api/admin/train', params: {}, query: {}, weight: 0.05 },
  { route: 'GET /dashboard', method: 'GET', url: '/dashboard', params: {}, query: {} },
  { route: 'GET /dashboard/*', method: 'GET', url: '/dashboard/*', params: { '*': 'index.html' }, query: {} },
  { route: 'GET /api/stats/events', method: 'GET', url: '/api/stats/events', params: {}, query: { bucket: 'hour', from: '1767225600000', to: '1767312000000' } },
  { route: 'GET /api/auth', method: 'GET', url: '/api/auth', params: {}, query: {} },
  { route: 'GET /api/me', method: 'GET', url: '/api/me', params: {}, query: {} },
  { route: 'GET /api/stats/serving', method: 'GET', url: '/api/stats/serving', params: {}, query: {} },
  { route: 'GET /api/items/:id/audience', method: 'GET', url: '/api/items/:id/audience', params: item, query: { hours: '2', limit: '5', maxScan: '1000' } },
  { route: 'GET /api/admin/inspect/:user', method: 'GET', url: '/api/admin/inspect/:user', params: { ':user': 'user1' }, query: { ...surface, rankedLimit: '10' } },
  {
    route: 'POST /api/admin/eval',
    method: 'POST',
    url: '/api/admin/eval',
    params: {},
    query: {},
    body: { algorithms: ['popularity'], testFraction: 0.2, k: [5], maxEvents: 1000 },
    weight: 0.05,
  },
  {
    route: 'POST /api/admin/models/:name/:version/promote',
    method: 'POST',
    url: '/api/admin/models/:name/:version/promote',
    params: { ':name': 'main', ':version': '1' },
    query: {},
  },
  { route: 'POST /api/admin/models/:name/rollback', method: 'POST', url: '/api/admin/models/:name/rollback', params: { ':name': 'main' }, query: {} },
  // Experiments, in the order a valid run needs: created, read, started, reported, stopped.
  {
    route: 'POST /api/admin/experiments',
    method: 'POST',
    url: '/api/admin/experiments',
    params: {},
    query: {},
    body: {
      id: 'fz-exp',
      name: 'fuzzed',
      surface: 'home',
      salt: 'fz',
      control: 'a',
      variants: [
        { name: 'a', share: 0.5, mode: 'live' },
        { name: 'b', share: 0.3, mode: 'canary', surface: { ranker: { weights: { popular: 2 } } }, model: { role: 'main', version: 1 } },
        { name: 'c', share: 0.2, mode: 'shadow', surface: { cacheSeconds: 0 } },
      ],
      canary: { maxErrorRateDelta: 0.02, maxLatencyRatio: 2, minRequests: 50 },
    },
  },
  { route: 'GET /api/experiments', method: 'GET', url: '/api/experiments', params: {}, query: {} },
  { route: 'GET /api/experiments/:id', method: 'GET', url: '/api/experiments/:id', params: { ':id': 'fz-exp' }, query: {} },
  { route: 'POST /api/admin/experiments/:id/start', method: 'POST', url: '/api/admin/experiments/:id/start', params: { ':id': 'fz-exp' }, query: {} },
  { route: 'GET /api/experiments/:id/report', method: 'GET', url: '/api/experiments/:id/report', params: { ':id': 'fz-exp' }, query: {} },
  {
    route: 'POST /api/admin/experiments/:id/stop',
    method: 'POST',
    url: '/api/admin/experiments/:id/stop',
    params: { ':id': 'fz-exp' },
    query: {},
    body: { reason: 'fuzzing done' },
  },
];

/** The URL of a target with the given path parameters (already encoded) and raw query text. */
export function urlOf(target: FuzzTarget, params: Record<string, string>, query: string): string {
  let url = target.url;
  for (const [token, value] of Object.entries(params)) url = url.replace(token, value);
  return query ? `${url}?${query}` : url;
}

export function encodeQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

const T0 = Date.UTC(2026, 0, 1);

/** A small catalogue and feedback of two tastes, and models trained on them. */
export async function seedAndTrain(engine: Engine, app: FastifyInstance): Promise<void> {
  const items = ['s', 'r'].flatMap((kind) =>
    Array.from({ length: 6 }, (_, i) => ({
      id: `${kind}${i + 1}`,
      title: `${kind === 's' ? 'Space' : 'Love'} ${i + 1}`,
      categories: [kind === 's' ? 'sci-fi' : 'romance'],
      tags: i % 2 ? ['old'] : ['space', 'new'],
      numeric: { year: 1980 + i * 7 },
    })),
  );
  const events = [];
  for (let u = 0; u < 40; u++) {
    for (let k = 0; k < 6; k++) {
      if (k === u % 6) continue;
      events.push({ id: `e${events.length}`, user: `user${u}`, item: `${u < 20 ? 's' : 'r'}${k + 1}`, type: 'like', timestamp: T0 + events.length * 60_000 });
    }
  }
  // In small batches: the fuzzing engine runs with a small ingest.maxBatch.
  for (const [url, records] of [
    ['/api/items', items],
    ['/api/events', events],
  ] as const) {
    for (let i = 0; i < records.length; i += 20) {
      const res = await app.inject({ method: 'POST', url, payload: records.slice(i, i + 20) });
      if (res.statusCode !== 200) throw new Error(`seeding ${url}: ${res.body}`);
    }
  }
  // Twice: v1 retired and v2 serving, so promoting v1 and rolling back are valid requests.
  await engine.train();
  await engine.train();
}

/** Everything a rejected request could have changed. */
export async function storeState(engine: Engine): Promise<unknown> {
  return {
    counts: await engine.stores.data.counts(),
    users: await engine.records.listUsers(1000),
    items: await engine.records.listItems(1000),
    history: await engine.recommend.history('user1', 1000),
    lag: await engine.applier.lag(),
  };
}

export function describeRequest(req: InjectOptions): string {
  const payload = typeof req.payload === 'string' ? req.payload : JSON.stringify(req.payload);
  const cut = (s: string | undefined, n: number) => (s !== undefined && s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  return JSON.stringify({ method: req.method, url: cut(String(req.url), 300), headers: req.headers, payload: cut(payload, 300) });
}

/** The request, printed short in fast-check's counterexamples (bodies can be 64 kB). */
export function shown(req: InjectOptions): InjectOptions {
  return Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req) });
}

/**
 * Sends one request and checks the properties every answer must have: never a 5xx; every 4xx
 * is {"error":{"code","message"[,"details"]}} with a known code and the status of the code's
 * table; and a refused request leaves the store as it was.
 */
export async function expectSafeAnswer(engine: Engine, app: FastifyInstance, req: InjectOptions): Promise<LightMyRequestResponse> {
  const before = await storeState(engine);
  const res = await app.inject(req);
  const fail = (why: string): never => {
    throw new Error(`${why}\n  request: ${describeRequest(req)}\n  answer: ${res.statusCode} ${res.body.slice(0, 500)}`);
  };
  if (res.statusCode >= 500) fail(`server error ${res.statusCode}`);
  if (res.statusCode < 400) return res;
  if (req.method !== 'HEAD') {
    let body: unknown;
    try {
      body = res.json();
    } catch {
      fail('a 4xx body that is not JSON');
    }
    const error = (body as { error?: Record<string, unknown> } | null)?.error;
    if (!error || Object.keys(body as object).length !== 1) fail('a 4xx body that is not {"error": …}');
    const code = error!.code;
    if (typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code)) fail(`unknown error code ${String(code)}`);
    if (typeof error!.message !== 'string') fail('an error without a message');
    const extra = Object.keys(error!).filter((k) => !['code', 'message', 'details'].includes(k));
    if (extra.length > 0) fail(`unexpected error fields ${extra.join(',')}`);
    if (HTTP_STATUS[code as ErrorCode] !== res.statusCode) fail(`status ${res.statusCode} does not match code ${String(code)}`);
  }
  if (!isDeepStrictEqual(await storeState(engine), before)) fail('a refused request changed the store');
  return res;
}

/** The seed of this run: FUZZ_SEED to replay one, else a fresh one (printed, to replay it). */
export function fuzzSeed(file: string): number {
  const given = process.env.FUZZ_SEED;
  const seed = given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${file}: fast-check seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

/** A number of runs, scaled by FUZZ_RUNS (e.g. FUZZ_RUNS=20 for a long search before a release). */
export function fuzzRuns(n: number): number {
  const scale = Number(process.env.FUZZ_RUNS ?? 1);
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Object.prototype must come out of the fuzzing as it went in. */
export function prototypeIsClean(): boolean {
  const probe: Record<string, unknown> = {};
  return probe.polluted === undefined && probe.isAdmin === undefined && Object.getOwnPropertyNames(Object.prototype).every((k) => !['polluted', 'isAdmin'].includes(k));
}
