import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { IdIndex, MagpieError } from '../../core/index.js';
import { testSetFromRows, type Split } from '../test-set.js';
import { trainingDataFromLists } from '../training-data.js';
import { readLines, type ReadProgressListener } from './line-reader.js';

/** One line of a LightGCN/BARS file: a user and the items they interacted with. */
export type UserItems = [user: string, items: string[]];

export interface LightGcnReadOptions {
  onProgress?: ReadProgressListener | undefined;
}

const WHITESPACE = /\s+/;

/**
 * Streams a LightGCN/BARS file (`user item item …`, whitespace separated, one user per line;
 * a user with no items is allowed). Blank lines are skipped. Ids are kept as strings: the
 * public splits use integers, but nothing here depends on that.
 */
export async function* readLightGcnFile(path: string, options: LightGcnReadOptions = {}): AsyncGenerator<UserItems> {
  for await (const line of readLines(path, options.onProgress)) {
    const tokens = line.trim().split(WHITESPACE);
    const user = tokens[0];
    if (user === undefined || user === '') continue;
    tokens.shift();
    yield [user, tokens];
  }
}

/**
 * Reads a LightGCN train/test pair into a Split. Both id indexes cover both files: the item
 * catalogue is every item of either file (an item seen only in the test file counts in the
 * recall denominator and no collaborative model can hit it, as in the published protocol), and
 * a user seen only in the test file gets an empty training row. Train users and items come
 * first, in file order, so the training part's indices do not depend on the test file.
 * A user appearing on several lines of one file has those lines merged.
 */
export async function readLightGcnSplit(trainPath: string, testPath: string, options: LightGcnReadOptions = {}): Promise<Split> {
  const users = new IdIndex();
  const items = new IdIndex();
  const trainLines: UserItems[] = [];
  for await (const line of readLightGcnFile(trainPath, options)) {
    users.add(line[0]);
    for (const item of line[1]) items.add(item);
    trainLines.push(line);
  }
  const testRows = new Map<number, number[]>();
  for await (const [user, userItems] of readLightGcnFile(testPath, options)) {
    const u = users.add(user);
    let row = testRows.get(u);
    if (!row) testRows.set(u, (row = []));
    for (const item of userItems) row.push(items.add(item));
  }
  // Every id is indexed already, so the matrix spans all users and items.
  const train = trainingDataFromLists(trainLines, { users, items });
  // The file says which users are test users, even those whose test line is empty; the
  // protocol skips users without test items.
  return { train, test: testSetFromRows(testRows, true) };
}

/**
 * Writes `user item item …` lines. The file appears complete or not at all: it is written
 * beside the target and renamed into place, so an interrupted export never leaves a truncated
 * file that a later run would read as data.
 */
export async function writeLightGcnFile(
  path: string,
  lines: Iterable<readonly [string, Iterable<string>]> | AsyncIterable<readonly [string, Iterable<string>]>,
): Promise<{ lines: number }> {
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
  let count = 0;
  try {
    for await (const [user, userItems] of lines) {
      const tokens = [checkToken(user, user)];
      for (const item of userItems) tokens.push(checkToken(item, user));
      count++;
      if (!out.write(`${tokens.join(' ')}\n`)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    await rename(tmp, path);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    if (err instanceof MagpieError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new MagpieError('STORAGE_FAILED', `cannot write ${path}: ${reason}`, { file: path, reason }, { cause: err });
  }
  return { lines: count };
}

/** An id that is empty or holds whitespace would be read back as different data. */
function checkToken(id: string, user: string): string {
  if (id === '' || WHITESPACE.test(id)) {
    throw new MagpieError('VALIDATION_FAILED', `id ${JSON.stringify(id)} cannot be written to a LightGCN file`, {
      user,
      reason: 'ids must be non-empty and hold no whitespace',
    });
  }
  return id;
}
