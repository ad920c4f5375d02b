import type { FeedbackEvent, Item, JsonObject, User } from '../../core/index.js';

/** Row shapes as better-sqlite3 returns them, and their conversion to and from domain records. */

export const USER_COLUMNS = 'id, attributes, created_at';
export interface UserRow {
  id: string;
  attributes: string;
  created_at: number;
}

export function userFromRow(row: UserRow): User {
  return { id: row.id, attributes: JSON.parse(row.attributes) as JsonObject, createdAt: row.created_at };
}

export const ITEM_COLUMNS = 'id, kind, title, text, categories, tags, numeric, embedding, created_at, hidden';
export interface ItemRow {
  id: string;
  kind: string;
  title: string;
  text: string;
  categories: string;
  tags: string;
  numeric: string;
  embedding: Uint8Array | null;
  created_at: number;
  hidden: number;
}

export function itemFromRow(row: ItemRow): Item {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    text: row.text,
    categories: JSON.parse(row.categories) as string[],
    tags: JSON.parse(row.tags) as string[],
    numeric: JSON.parse(row.numeric) as Record<string, number>,
    embedding: row.embedding === null ? null : decodeEmbedding(row.embedding),
    createdAt: row.created_at,
    hidden: row.hidden !== 0,
  };
}

/** Positional parameters of the item upsert, in ITEM_COLUMNS order. */
export function itemParams(item: Item): unknown[] {
  return [
    item.id,
    item.kind,
    item.title,
    item.text,
    JSON.stringify(item.categories),
    JSON.stringify(item.tags),
    JSON.stringify(item.numeric),
    item.embedding === null ? null : encodeEmbedding(item.embedding),
    item.createdAt,
    item.hidden ? 1 : 0,
  ];
}

export const EVENT_COLUMNS = 'id, user_id, item_id, type, value, ts, context';
export interface EventRow {
  id: string;
  user_id: string;
  item_id: string;
  type: string;
  value: number | null;
  ts: number;
  context: string | null;
}

export function eventFromRow(row: EventRow): FeedbackEvent {
  return {
    id: row.id,
    user: row.user_id,
    item: row.item_id,
    type: row.type,
    value: row.value,
    timestamp: row.ts,
    context: row.context === null ? null : (JSON.parse(row.context) as JsonObject),
  };
}

/** Positional parameters of the event insert, in EVENT_COLUMNS order. */
export function eventParams(event: FeedbackEvent): unknown[] {
  return [
    event.id,
    event.user,
    event.item,
    event.type,
    event.value,
    event.timestamp,
    event.context === null ? null : JSON.stringify(event.context),
  ];
}

/**
 * Embeddings as little-endian float32 bytes, written through a DataView so the file reads the
 * same on any machine, and so a row's bytes never need 4-byte alignment to be decoded.
 */
export function encodeEmbedding(embedding: readonly number[]): Buffer {
  const bytes = Buffer.alloc(embedding.length * 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  embedding.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return bytes;
}

export function decodeEmbedding(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(bytes.byteLength >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
