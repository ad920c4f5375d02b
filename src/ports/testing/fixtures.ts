import { afterEach, beforeEach, describe, expect } from 'vitest';
import { MagpieError } from '../../core/index.js';
import type { ErrorCode, FeedbackEvent, Item, User } from '../../core/index.js';

/** What a contract suite needs from an adapter: a fresh, empty store per test, and its cleanup. */
export interface OpenedStore<S> {
  store: S;
  /** Releases everything open() acquired; must tolerate the store having been closed already. */
  close(): Promise<void>;
}

export type OpenStore<S> = () => Promise<OpenedStore<S>>;

export interface ContractOptions {
  /** When set, the suite is registered but skipped, and this reason is shown in its title. */
  skipReason?: string | undefined;
}

export function suiteTitle(port: string, adapter: string, options: ContractOptions | undefined): string {
  const skip = options?.skipReason;
  return skip === undefined ? `${port} contract: ${adapter}` : `${port} contract: ${adapter} (skipped: ${skip})`;
}

/**
 * Registers one port's contract suite for one adapter: skipped (with its reason in the title)
 * when options.skipReason is set, otherwise a fresh store opened before and closed after each
 * test. `body` registers the tests and reaches the current store through its accessor.
 */
export function describeContract<S>(
  port: string,
  adapter: string,
  open: OpenStore<S>,
  options: ContractOptions | undefined,
  body: (store: () => S) => void,
): void {
  const register = options?.skipReason === undefined ? describe : describe.skip;
  register(suiteTitle(port, adapter, options), () => {
    let opened: OpenedStore<S> | undefined;
    const store = (): S => {
      if (opened === undefined) throw new Error(`the ${port} was not opened`);
      return opened.store;
    };
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened?.close();
      opened = undefined;
    });
    body(store);
  });
}

export function makeUser(id: string, overrides: Partial<User> = {}): User {
  return { id, attributes: { plan: 'free' }, createdAt: 1_700_000_000_000, ...overrides };
}

export function makeItem(id: string, overrides: Partial<Item> = {}): Item {
  return {
    id,
    kind: 'movie',
    title: `Title of ${id}`,
    text: `Text about ${id}`,
    categories: ['drama'],
    tags: ['tag-a'],
    numeric: { year: 1999 },
    embedding: null,
    createdAt: 1_700_000_000_000,
    hidden: false,
    ...overrides,
  };
}

export function makeEvent(id: string, user: string, item: string, overrides: Partial<FeedbackEvent> = {}): FeedbackEvent {
  return { id, user, item, type: 'view', value: null, timestamp: 1_700_000_000_000, context: null, ...overrides };
}

/** Asserts that work rejects with a MagpieError carrying this code, and returns the error. */
export async function expectMagpieError(work: Promise<unknown>, code: ErrorCode): Promise<MagpieError> {
  let caught: unknown;
  try {
    await work;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a MagpieError ${code}, but nothing was thrown`).toBeDefined();
  expect(caught).toBeInstanceOf(MagpieError);
  expect((caught as MagpieError).code).toBe(code);
  return caught as MagpieError;
}

/** Every batch an async iterable yields. */
export async function collectBatches<T>(batches: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

/** Ids that sort differently by UTF-16 code unit and by code point (the order lists must use). */
export const AWKWARD_IDS = ['a', 'B', 'a b', 'é', '\uff5e', '\u{1f600}', 'z', '0', 'A-1', 'ä'];

/** Code point order, written independently of the adapters' helper so the suite checks it. */
export function byCodePoint(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}
