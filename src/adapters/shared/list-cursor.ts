import { MagpieError } from '../../core/index.js';

/** What a list cursor pages through; a cursor issued for one list is refused by another. */
export type ListKind = 'users' | 'items';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Opaque keyset cursor: base64url of a small JSON tuple [kind, lastId]. Keyset (not offset)
 * paging means records inserted or deleted between pages never make a page skip or repeat a
 * record that existed throughout.
 */
export function encodeListCursor(kind: ListKind, lastId: string): string {
  return Buffer.from(JSON.stringify([kind, lastId]), 'utf8').toString('base64url');
}

/** The last id of the previous page; INVALID_CURSOR for anything encodeListCursor never made. */
export function decodeListCursor(kind: ListKind, cursor: string): string {
  // Node's base64 decoder skips characters it does not know, so check the alphabet first and
  // insist on the canonical encoding; otherwise many different strings would decode alike.
  if (!BASE64URL.test(cursor)) throw invalidCursor(cursor);
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.toString('base64url') !== cursor) throw invalidCursor(cursor);
  let decoded: unknown;
  try {
    decoded = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalidCursor(cursor);
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== kind || typeof decoded[1] !== 'string') {
    throw invalidCursor(cursor);
  }
  return decoded[1];
}

function invalidCursor(cursor: string): MagpieError {
  return new MagpieError('INVALID_CURSOR', undefined, { cursor });
}
