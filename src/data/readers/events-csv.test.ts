import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MagpieError } from '../../core/index.js';
import { readEventsCsv } from './events-csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magpie-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The details of the INPUT_FILE_INVALID error a read fails with. */
async function failure(path: string): Promise<{ line: number; reason: string }> {
  try {
    await readEventsCsv(path);
  } catch (err) {
    expect(err).toBeInstanceOf(MagpieError);
    expect((err as MagpieError).code).toBe('INPUT_FILE_INVALID');
    return (err as MagpieError).details as { line: number; reason: string };
  }
  throw new Error(`reading ${path} should have failed`);
}

describe('readEventsCsv: MovieLens ratings', () => {
  it('reads ratings with timestamps in seconds', async () => {
    const path = await file('ratings.csv', 'userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n');
    expect(await readEventsCsv(path)).toEqual([
      { id: 'ratings.csv:2', user: '1', item: '31', type: 'rating', value: 2.5, timestamp: 1260759144000, context: null },
      { id: 'ratings.csv:3', user: '1', item: '1029', type: 'rating', value: 3, timestamp: 1260759179000, context: null },
    ]);
  });

  it('refuses an ISO time in a MovieLens file', async () => {
    const path = await file('ml-iso.csv', 'userId,movieId,rating,timestamp\n1,31,2.5,2020-01-01\n');
    expect((await failure(path)).line).toBe(2);
  });
});

describe('readEventsCsv: generic files', () => {
  it('reads named columns in any order, ISO or ms timestamps, quoted fields', async () => {
    const path = await file(
      'events.csv',
      [
        'timestamp,item,user,type,value',
        '1700000000000,"item, with comma",u1,purchase,19.99',
        '2024-03-01T10:00:00Z,"say ""hi""",u2,view,',
        '2024-03-01T12:00:00+02:00,i3,u3,,',
        '2024-03-01,i4,u4,like,1',
      ].join('\n'),
    );
    const events = await readEventsCsv(path, { defaultType: 'click' });
    expect(events.map((e) => [e.user, e.item, e.type, e.value, e.timestamp])).toEqual([
      ['u1', 'item, with comma', 'purchase', 19.99, 1700000000000],
      ['u2', 'say "hi"', 'view', null, Date.UTC(2024, 2, 1, 10)],
      ['u3', 'i3', 'click', null, Date.UTC(2024, 2, 1, 10)],
      ['u4', 'i4', 'like', 1, Date.UTC(2024, 2, 1)],
    ]);
  });

  it('reads TSV, takes ids from an id column, and fills defaults for absent columns', async () => {
    const path = await file('events.tsv', 'id\tuser\titem\ne-1\tu1\ti1\n\tu2\ti2\n');
    const events = await readEventsCsv(path, { defaultTimestamp: 5 });
    expect(events).toEqual([
      { id: 'e-1', user: 'u1', item: 'i1', type: 'like', value: null, timestamp: 5, context: null },
      { id: 'events.tsv:3', user: 'u2', item: 'i2', type: 'like', value: null, timestamp: 5, context: null },
    ]);
  });

  it('ignores a byte-order mark before the header', async () => {
    const path = await file('bom.csv', '\uFEFFuser,item\nu1,i1\n');
    expect((await readEventsCsv(path)).map((e) => e.user)).toEqual(['u1']);
  });

  it('takes ISO times without a zone as UTC and numeric times in seconds when told', async () => {
    const path = await file('zones.csv', 'user,item,timestamp\nu,i,2024-03-01T10:00\nu,j,1700000000\n');
    const events = await readEventsCsv(path, { timestampUnit: 's' });
    expect(events.map((e) => e.timestamp)).toEqual([Date.UTC(2024, 2, 1, 10), 1700000000000]);
  });

  it('keeps a quoted field that spans lines, numbering ids by the first line', async () => {
    const path = await file('multi.csv', 'user,item\n"u\n1",i1\nu2,i2\n');
    const events = await readEventsCsv(path);
    expect(events.map((e) => [e.id, e.user])).toEqual([
      ['multi.csv:2', 'u\n1'],
      ['multi.csv:4', 'u2'],
    ]);
  });

  it('derives the same ids on every read, so re-ingesting is idempotent', async () => {
    const path = await file('again.csv', 'user,item\n\nu1,i1\nu2,i2\n');
    const first = await readEventsCsv(path);
    expect(first.map((e) => e.id)).toEqual(['again.csv:3', 'again.csv:4']);
    expect(await readEventsCsv(path)).toEqual(first);
    expect((await readEventsCsv(path, { idPrefix: 'import-7' }))[0]!.id).toBe('import-7:3');
  });

  it('stops at the limit and reports progress', async () => {
    const path = await file('limit.csv', 'user,item\nu1,i1\nu2,i2\nu3,i3\n');
    let lines = 0;
    const events = await readEventsCsv(path, { limit: 2, onProgress: (p) => (lines = p.lines) });
    expect(events.map((e) => e.user)).toEqual(['u1', 'u2']);
    expect(lines).toBeGreaterThanOrEqual(3);
  });
});

describe('readEventsCsv: bad input', () => {
  const cases: [name: string, text: string, line: number, reason: RegExp][] = [
    ['wrong field count', 'user,item,value\nu1,i1,1\nu2,i2\n', 3, /expected 3 fields, found 2/],
    ['value not a number', 'user,item,value\nu1,i1,lots\n', 2, /value "lots" is not a number/],
    ['hex value', 'user,item,value\nu1,i1,0x10\n', 2, /not a number/],
    ['bad timestamp', 'user,item,timestamp\nu1,i1,yesterday\n', 2, /timestamp "yesterday"/],
    ['impossible date', 'user,item,timestamp\nu1,i1,2023-02-30\n', 2, /timestamp/],
    ['empty user', 'user,item\n,i1\n', 2, /user field is empty/],
    ['empty rating', 'userId,movieId,rating,timestamp\n1,2,,3\n', 2, /rating field is empty/],
    ['empty MovieLens timestamp', 'userId,movieId,rating,timestamp\n1,2,4,\n', 2, /timestamp field is empty/],
    ['text after a closing quote', 'user,item\n"u1"x,i1\n', 2, /after a closing quote/],
    ['unclosed quote', 'user,item\nu1,i1\n"u2,i2\nu3,i3\n', 3, /never closed/],
    ['unknown header column', 'user,item,timestmp\nu1,i1,1\n', 1, /unknown column "timestmp"/],
    ['no item column', 'user,type\nu1,like\n', 1, /must name a user and an item/],
    ['duplicate column', 'user,item,user_id\nu,i,u\n', 1, /appears twice/],
    ['empty file', '\n\n', 1, /empty/],
  ];
  for (const [name, text, line, reason] of cases) {
    it(`fails on ${name} with the line and the reason`, async () => {
      const details = await failure(await file(`bad-${name.replaceAll(' ', '-')}.csv`, text));
      expect(details.line).toBe(line);
      expect(details.reason).toMatch(reason);
    });
  }

  it('fails on a missing file', async () => {
    await expect(readEventsCsv(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'INPUT_FILE_INVALID' });
  });
});

// The real MovieLens file is development data outside the repository (../shared/data); a fresh
// checkout does not have it, and the test says so instead of failing.
const ratingsPath = fileURLToPath(new URL('../../../../shared/data/ml-latest-small/ratings.csv', import.meta.url));

describe('readEventsCsv on ml-latest-small', () => {
  it('reads the first ratings of the real file', async (ctx) => {
    if (!existsSync(ratingsPath)) ctx.skip(`${ratingsPath} is absent (development data, not part of the repository)`);
    const events = await readEventsCsv(ratingsPath, { limit: 1000 });
    expect(events).toHaveLength(1000);
    expect(events[0]).toMatchObject({ id: 'ratings.csv:2', user: '1', type: 'rating' });
    for (const e of events) {
      expect(e.value).toBeGreaterThanOrEqual(0.5);
      expect(e.value).toBeLessThanOrEqual(5);
      // MovieLens ratings run from 1995 to the present; in ms, well past 1990.
      expect(e.timestamp).toBeGreaterThan(Date.UTC(1990, 0, 1));
    }
  });
});
