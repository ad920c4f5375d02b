import { existsSync } from 'node:fs';
import fc from 'fast-check';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import { ROUTE_ACCESS } from './access.js';
import { DASHBOARD_DIR } from './dashboard-static.js';
import { testEngine } from './testing/engine.js';
import { encodeQueryValue, hostileString, INJECTIONS, ODD_UNICODE, RAW_QUERY_PIECES, anyValue } from './testing/fuzz-inputs.js';
import {
  encodeQuery,
  expectSafeAnswer,
  FUZZ_TARGETS,
  fuzzRuns,
  fuzzSeed,
  prototypeIsClean,
  seedAndTrain,
  urlOf,
  type FuzzTarget,
} from './testing/fuzz-targets.js';

/**
 * Property-based fuzzing of every route's path parameters, query string and method
 * (fuzz-bodies.test.ts does the bodies). Properties: no 5xx, every 4xx in our error format with
 * a known code, and a refused request changes nothing in the store.
 */

const SEED = fuzzSeed('fuzz.test.ts');
const RUNS_PER_ROUTE = fuzzRuns(40);
const COMMON_KEYS = ['n', 'offset', 'limit', 'cursor', 'surface', 'filter', 'exclude', 'category', 'tags', 'user', 'by', 'from', 'to', 'before', 'beforeId', 'name'];

let engine: Engine;
let app: FastifyInstance;
beforeAll(async () => {
  ({ engine, app } = await testEngine({ storage: { url: 'sqlite::memory:' }, server: { bodyLimitBytes: 64 * 1024 }, ingest: { maxBatch: 50 } }));
  await seedAndTrain(engine, app);
}, 60_000);
afterAll(async () => engine.close());

/** A path parameter: the valid one, a hostile string (encoded), or raw URL trouble. */
function paramValue(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(valid),
    hostileString().map(encodeQueryValue),
    fc.constantFrom(
      '..',
      '../../package.json',
      '..%2F..%2Fpackage.json',
      '%2e%2e%2f%2e%2e%2fpackage.json',
      '....//....//etc/passwd',
      '%',
      '%zz',
      '%00',
      '%C0%AE%C0%AE',
      '%ED%A0%80',
      'a%2Fb',
      ';x=1',
      '~',
      ' ',
      'x'.repeat(2100),
      encodeURIComponent('é'.repeat(1100)),
    ),
  );
}

/** A query string: the valid one, broken in one of several ways. */
function queryString(target: FuzzTarget): fc.Arbitrary<string> {
  const keys = [...new Set([...Object.keys(target.query), ...COMMON_KEYS])];
  const base = encodeQuery(target.query);
  const join = (...parts: string[]) => parts.filter(Boolean).join('&');
  return fc.oneof(
    fc.constant(base),
    // A known parameter with a hostile value, or a value of another type.
    fc
      .tuple(fc.constantFrom(...keys), fc.oneof(hostileString(), anyValue().map((v) => JSON.stringify(v) ?? '')))
      .map(([k, v]) => join(encodeQuery({ ...target.query, [k]: '' }).replace(`${encodeURIComponent(k)}=`, `${encodeURIComponent(k)}=${encodeQueryValue(v)}`))),
    // An unknown parameter.
    fc.tuple(hostileString(), hostileString()).map(([k, v]) => join(base, `${encodeQueryValue(k)}=${encodeQueryValue(v)}`)),
    // A parameter repeated.
    fc.tuple(fc.constantFrom(...keys), fc.array(hostileString(), { minLength: 2, maxLength: 4 })).map(([k, vs]) =>
      join(base, ...vs.map((v) => `${k}=${encodeQueryValue(v)}`)),
    ),
    // Raw trouble a browser would not send.
    fc.array(fc.constantFrom(...RAW_QUERY_PIECES), { minLength: 1, maxLength: 4 }).map((p) => join(base, ...p)),
  );
}

describe('the fuzzed routes', () => {
  it('are every route of the access table, which is every route of the app', () => {
    expect(FUZZ_TARGETS.map((t) => t.route).sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());
  });

  it('answer their valid request without an error (the fuzzers start from something that works)', async () => {
    // The dashboard's files exist only after `npm run build` (without it the route says so, 404).
    const built = existsSync(DASHBOARD_DIR);
    for (const t of FUZZ_TARGETS.filter((x) => x.route !== 'POST /api/admin/train' && !x.route.startsWith('DELETE') && (built || x.route !== 'GET /dashboard/*'))) {
      const res = await app.inject({ method: t.method, url: urlOf(t, t.params, encodeQuery(t.query)), ...(t.body ? { payload: t.body as object } : {}) });
      expect(res.statusCode, `${t.route}: ${res.body.slice(0, 300)}`).toBeLessThan(t.route === 'OPTIONS *' ? 405 : 400);
    }
  });
});

/** Statuses seen across the query fuzzing: it must reach both the handlers and the refusals. */
const seen = new Map<number, number>();

describe('fuzzing path parameters and query strings', () => {
  afterAll(() => {
    const count = (from: number, to: number) => [...seen].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
    expect(count(200, 300)).toBeGreaterThan(100);
    expect(count(400, 500)).toBeGreaterThan(100);
  });

  for (const target of FUZZ_TARGETS) {
    const runs = Math.max(3, Math.round(RUNS_PER_ROUTE * (target.weight ?? 1)));
    it(`${target.route} (${runs} runs)`, async () => {
      const params = fc.record(Object.fromEntries(Object.entries(target.params).map(([k, v]) => [k, paramValue(v)])));
      await fc.assert(
        fc.asyncProperty(params, queryString(target), async (p, q) => {
          const res = await expectSafeAnswer(engine, app, {
            method: target.method,
            url: urlOf(target, p, q),
            ...(target.body !== undefined ? { payload: target.body as object } : {}),
          });
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
          // Path traversal through the API reference's static files reaches nothing outside it.
          if (res.body.includes('"devDependencies"') || res.body.includes('root:x:0:0')) throw new Error(`served a file outside: ${urlOf(target, p, q)}`);
        }),
        { numRuns: runs, seed: SEED },
      );
    });
  }
});

describe('fuzzing methods', () => {
  it('any method on any path answers safely', async () => {
    const methods: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FUZZ_TARGETS.filter((t) => t.route !== 'POST /api/admin/train')),
        fc.constantFrom(...methods),
        fc.option(fc.oneof(anyValue(), fc.constantFrom(...INJECTIONS, ...ODD_UNICODE)), { nil: undefined }),
        async (t, method, body) => {
          // Deleting seeded records would starve the other properties; a safe method mix suffices.
          if (method === 'DELETE') return;
          await expectSafeAnswer(engine, app, {
            method,
            url: urlOf(t, t.params, ''),
            ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { payload: JSON.stringify(body) ?? 'null', headers: { 'content-type': 'application/json' } } : {}),
          });
        },
      ),
      { numRuns: fuzzRuns(150), seed: SEED },
    );
  });

  it('left Object.prototype clean', () => {
    expect(prototypeIsClean()).toBe(true);
  });
});
