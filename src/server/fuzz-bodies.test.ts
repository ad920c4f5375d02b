import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import { testEngine } from './testing/engine.js';
import {
  anyValue,
  CONTENT_TYPES,
  deeplyNested,
  hostileString,
  malformedJson,
  pathsOf,
  pollutingJson,
  withValueAt,
  WRONG_TYPES,
} from './testing/fuzz-inputs.js';
import { expectSafeAnswer, FUZZ_TARGETS, fuzzRuns, fuzzSeed, prototypeIsClean, seedAndTrain, shown, urlOf, type FuzzTarget } from './testing/fuzz-targets.js';

/**
 * Property-based fuzzing of every request body: wrong types in every field, odd unicode and
 * injection strings, broken JSON, prototype-polluting keys, deep nesting, bodies just over the
 * size limit, wrong content types. Properties as in fuzz.test.ts: no 5xx, our error format,
 * nothing stored by a refused request.
 */

const SEED = fuzzSeed('fuzz-bodies.test.ts');
const LIMIT = 64 * 1024;
const RUNS_PER_ROUTE = fuzzRuns(120);

let engine: Engine;
let app: FastifyInstance;
beforeAll(async () => {
  ({ engine, app } = await testEngine({ storage: { url: 'sqlite::memory:' }, server: { bodyLimitBytes: LIMIT }, ingest: { maxBatch: 50 } }));
  await seedAndTrain(engine, app);
}, 60_000);
afterAll(async () => engine.close());

const WITH_BODY = FUZZ_TARGETS.filter((t) => t.body !== undefined);
const JSON_HEADERS = { 'content-type': 'application/json' };

function request(t: FuzzTarget, payload: string, headers: Record<string, string> = JSON_HEADERS): InjectOptions {
  return shown({ method: t.method, url: urlOf(t, t.params, ''), payload, headers });
}

/** The body with the value at `path` replaced by raw JSON text (for what JSON.stringify cannot say). */
function withRawAt(body: unknown, path: (string | number)[], raw: string): string {
  return JSON.stringify(withValueAt(body, path, '\u0001RAW\u0001')).replace('"\\u0001RAW\\u0001"', raw);
}

/** A body of `bytes` bytes: the valid one with a long string in its first string field. */
function paddedTo(t: FuzzTarget, bytes: number): string {
  const path = pathsOf(t.body).find((p) => typeof p.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], t.body) === 'string')!;
  const bare = JSON.stringify(withValueAt(t.body, path, '')).length;
  return JSON.stringify(withValueAt(t.body, path, 'x'.repeat(Math.max(0, bytes - bare))));
}

/** Every way of breaking one target's body. */
function brokenBody(t: FuzzTarget): fc.Arbitrary<InjectOptions> {
  const paths = pathsOf(t.body);
  const valid = JSON.stringify(t.body);
  return fc.oneof(
    // Any value in any field.
    fc.tuple(fc.constantFrom(...paths), anyValue()).map(([p, v]) => request(t, JSON.stringify(withValueAt(t.body, p, v)) ?? 'null')),
    // A hostile string in any field, or as a new key beside it.
    fc.tuple(fc.constantFrom(...paths), hostileString()).map(([p, s]) => request(t, JSON.stringify(withValueAt(t.body, p, s)))),
    fc.tuple(fc.constantFrom(...paths), hostileString(), anyValue()).map(([p, k, v]) => request(t, JSON.stringify(withValueAt(t.body, [...p.slice(0, -1), k], v)) ?? 'null')),
    // Broken JSON.
    malformedJson(valid).map((text) => request(t, text)),
    // Keys that pollute prototypes.
    pollutingJson(t.body).map((text) => request(t, text)),
    // Nesting deep enough to exhaust a recursive validator's stack.
    fc.tuple(fc.constantFrom(...paths), fc.constantFrom(100, 3_000, 20_000, 30_000)).map(([p, d]) => request(t, withRawAt(t.body, p, deeplyNested(d)))),
    // Just over the size limit, and just under it.
    fc.integer({ min: -2, max: 64 }).map((over) => request(t, paddedTo(t, LIMIT + over))),
    // A valid body under a content type that is not JSON (or an odd spelling of it).
    fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(fc.constant(valid), hostileString())).map(([ct, text]) =>
      request(t, text, { 'content-type': ct }),
    ),
    // No content type, or a content-length that lies.
    fc.constant(request(t, valid, { 'content-type': '' })),
    fc.integer({ min: 0, max: valid.length * 2 }).map((n) => request(t, valid, { ...JSON_HEADERS, 'content-length': String(n) })),
  );
}

describe('every field of every body, with a value of every type', () => {
  for (const t of WITH_BODY) {
    it(`${t.route}: ${pathsOf(t.body).length} fields × ${WRONG_TYPES.length} types`, async () => {
      const statuses = new Set<number>();
      for (const path of pathsOf(t.body)) {
        for (const value of WRONG_TYPES) {
          const res = await expectSafeAnswer(engine, app, request(t, JSON.stringify(withValueAt(t.body, path, value))));
          statuses.add(res.statusCode);
        }
      }
      // The sweep reached validation (not only some earlier refusal).
      expect([...statuses].some((s) => s === 400)).toBe(true);
    });
  }
});

describe('fuzzing bodies', () => {
  for (const t of WITH_BODY) {
    it(`${t.route} (${RUNS_PER_ROUTE} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(brokenBody(t), async (req) => {
          await expectSafeAnswer(engine, app, req);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED },
      );
    });
  }

  it('POST /api/admin/train with any body (few runs: a valid one trains)', async () => {
    const t = FUZZ_TARGETS.find((x) => x.route === 'POST /api/admin/train')!;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(malformedJson('{"now":true}'), pollutingJson({}), fc.constantFrom(...CONTENT_TYPES).map((ct) => `ct:${ct}`)),
        async (text) => {
          const req = text.startsWith('ct:') ? request(t, 'x', { 'content-type': text.slice(3) }) : request(t, text);
          await expectSafeAnswer(engine, app, req);
        },
      ),
      { numRuns: fuzzRuns(12), seed: SEED },
    );
  });

  it('an over-limit body is refused before it is read whole, on every body route', async () => {
    for (const t of WITH_BODY) {
      const res = await expectSafeAnswer(engine, app, request(t, paddedTo(t, LIMIT + 1)));
      expect(res.statusCode, t.route).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  it('left Object.prototype clean', () => {
    expect(prototypeIsClean()).toBe(true);
  });
});
