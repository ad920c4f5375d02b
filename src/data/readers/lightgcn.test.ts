import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MagpieError } from '../../core/index.js';
import { row } from '../../math/index.js';
import { readLightGcnFile, readLightGcnSplit, writeLightGcnFile, type UserItems } from './lightgcn.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magpie-lightgcn-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function collect(it: AsyncIterable<UserItems>): Promise<UserItems[]> {
  const out: UserItems[] = [];
  for await (const line of it) out.push(line);
  return out;
}

describe('readLightGcnFile', () => {
  it('splits on any whitespace, skips blank lines, allows a user without items', async () => {
    const path = await file('a.txt', '0 1 2\r\n\n1\t2  3 \n   \n2\n');
    expect(await collect(readLightGcnFile(path))).toEqual([
      ['0', ['1', '2']],
      ['1', ['2', '3']],
      ['2', []],
    ]);
  });

  it('reports progress ending at the line count', async () => {
    const path = await file('p.txt', '0 1\n1 2\n');
    const seen: number[] = [];
    await collect(readLightGcnFile(path, { onProgress: (p) => seen.push(p.lines) }));
    expect(seen.at(-1)).toBe(2);
  });

  it('fails with INPUT_FILE_INVALID for a missing file', async () => {
    const read = collect(readLightGcnFile(join(dir, 'missing.txt')));
    await expect(read).rejects.toSatisfy((err) => err instanceof MagpieError && err.code === 'INPUT_FILE_INVALID');
  });
});

describe('readLightGcnSplit', () => {
  it('indexes users and items of both files, train first', async () => {
    // User 2 has no items; user 3 and items 4, 9 appear only in the test file; user 1 has two train lines.
    const train = await file('train.txt', '0 1 2\n1 2 3\n2\n1 5\n');
    const test = await file('test.txt', '0 3 4 4\n1 9\n3 1\n');
    const { train: data, test: heldOut } = await readLightGcnSplit(train, test);

    expect(data.users.toArray()).toEqual(['0', '1', '2', '3']);
    expect(data.items.toArray()).toEqual(['1', '2', '3', '5', '4', '9']);
    expect(data.interactions.rows).toBe(4);
    expect(data.interactions.cols).toBe(6);
    const ids = (u: number): string[] => Array.from(row(data.interactions, u).indices, (i) => data.items.idAt(i));
    expect(ids(0)).toEqual(['1', '2']);
    expect(ids(1)).toEqual(['2', '3', '5']);
    expect(ids(2)).toEqual([]);
    expect(ids(3)).toEqual([]); // test-only user: an empty training row
    expect(Array.from(data.interactions.values)).toEqual([1, 1, 1, 1, 1]);

    expect(Array.from(heldOut.users)).toEqual([0, 1, 3]);
    const testIds = heldOut.items.map((items) => Array.from(items, (i) => data.items.idAt(i)));
    expect(testIds).toEqual([['3', '4'], ['9'], ['1']]); // the repeated 4 counts once
  });
});

describe('writeLightGcnFile', () => {
  it('writes what readLightGcnFile reads back', async () => {
    const path = join(dir, 'out.txt');
    async function* lines(): AsyncGenerator<[string, string[]]> {
      yield ['u1', ['a', 'b']];
      yield ['u2', []];
    }
    expect(await writeLightGcnFile(path, lines())).toEqual({ lines: 2 });
    expect(await readFile(path, 'utf8')).toBe('u1 a b\nu2\n');
    expect(await collect(readLightGcnFile(path))).toEqual([
      ['u1', ['a', 'b']],
      ['u2', []],
    ]);
  });

  it('refuses an id holding whitespace and leaves no file behind', async () => {
    const sub = await mkdtemp(join(dir, 'w-'));
    const path = join(sub, 'bad.txt');
    await expect(writeLightGcnFile(path, [['u1', ['a b']]])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await readdir(sub)).toEqual([]);
  });
});
