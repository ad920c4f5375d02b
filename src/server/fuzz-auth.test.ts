import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Engine } from '../bootstrap/index.js';
import type { ApiRole } from '../config/index.js';
import { ROUTE_ACCESS, roleAllows } from './access.js';
import { keysPerRole, testEngine } from './testing/engine.js';
import { INJECTIONS } from './testing/fuzz-inputs.js';
import { encodeQuery, expectSafeAnswer, FUZZ_TARGETS, fuzzRuns, fuzzSeed, shown, urlOf } from './testing/fuzz-targets.js';

/**
 * Fuzzing the credentials: whatever a request carries in Authorization or x-api-key, a route
 * that needs a key answers 401 unless it is exactly a configured key, and 403 when that key's
 * role is too low; always in our error format, never storing anything.
 */

const SEED = fuzzSeed('fuzz-auth.test.ts');
const { keys, auth } = keysPerRole();
const GUARDED = FUZZ_TARGETS.filter((t) => ROUTE_ACCESS[t.route] !== 'public' && t.route !== 'POST /api/admin/train');

let engine: Engine;
let app: FastifyInstance;
beforeAll(async () => ({ engine, app } = await testEngine({ server: { auth } })));
afterAll(async () => engine.close());

/** Header-safe text (what an HTTP client can send): printable latin-1, no CR, LF or NUL. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 80 });

/** Near misses of real keys (none equal to one), and plain junk. */
const credential = fc.oneof(
  headerText,
  fc.constantFrom(...INJECTIONS.filter((s) => /^[\x20-\x7e]*$/.test(s))),
  fc.tuple(fc.constantFrom(...Object.values(keys)), fc.nat({ max: 46 })).map(([k, n]) => k.slice(0, n)),
  fc.tuple(fc.constantFrom(...Object.values(keys)), fc.nat({ max: 46 })).map(([k, n]) => `${k.slice(0, n)}${k[n] === 'A' ? 'B' : 'A'}${k.slice(n + 1)}`),
  fc.constantFrom(...Object.values(keys)).map((k) => k.toUpperCase()),
  fc.constantFrom(...Object.values(keys)).map((k) => `${k} `.repeat(2)),
  // The configured hash is not the key.
  fc.constantFrom(...auth.keys.map((e) => e.hash)),
);

const carrier = fc.constantFrom(
  (c: string) => ({ authorization: `Bearer ${c}` }),
  (c: string) => ({ authorization: c }),
  (c: string) => ({ authorization: `Basic ${c}` }),
  (c: string) => ({ 'x-api-key': c }),
);

function request(t: (typeof GUARDED)[number], headers: Record<string, string>) {
  return shown({ method: t.method, url: urlOf(t, t.params, encodeQuery(t.query)), headers, ...(t.body !== undefined ? { payload: t.body as object } : {}) });
}

describe('fuzzing credentials', () => {
  it('anything but a configured key is a 401 with a challenge', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...GUARDED), credential, carrier, async (t, c, carry) => {
        const res = await expectSafeAnswer(engine, app, request(t, carry(c)));
        if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}`);
        if (!String(res.headers['www-authenticate']).startsWith('Bearer realm="magpie"')) throw new Error('no challenge');
      }),
      { numRuns: fuzzRuns(300), seed: SEED },
    );
  });

  it('a configured key passes exactly the routes its role allows', async () => {
    const roles: ApiRole[] = ['read', 'write', 'admin'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...GUARDED), fc.constantFrom(...roles), fc.boolean(), async (t, role, bearer) => {
        const headers = bearer ? { authorization: `Bearer ${keys[role]}` } : { 'x-api-key': keys[role] };
        const res = await expectSafeAnswer(engine, app, request(t, headers));
        const allowed = roleAllows(role, ROUTE_ACCESS[t.route]!);
        if (res.statusCode === 401 || (res.statusCode === 403) === allowed) throw new Error(`${role} on ${t.route}: ${res.statusCode}`);
      }),
      { numRuns: fuzzRuns(150), seed: SEED },
    );
  });
});
