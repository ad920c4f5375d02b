import type { FeedbackEvent, Item, JsonObject, User } from '../../core/index.js';

/**
 * Row shapes as pg returns them (jsonb/json parsed, text[] as arrays, bytea as Buffer, bigint as
 * number through the pool's type parser) and their conversion to domain records.
 */

export const USER_COLUMNS = 'id, attributes, created_at';
export interface UserRow {
  id: string;
  attributes: JsonObject;
  created_at: number;
}

export function userFromRow(row: UserRow): User {
  return { id: row.id, attributes: row.attributes, createdAt: row.created_at };
}

export const ITEM_COLUMNS = 'id, kind, title, "text", categories, tags, "numeric", embedding, created_at, hidden';
export interface ItemRow {
  id: string;
  kind: string;
  title: string;
  text: string;
  categories: string[];
  tags: string[];
  numeric: Record<string, number>;
  embedding: Buffer | null;
  created_at: number;
  hidden: boolean;
}

export function itemFromRow(row: ItemRow): Item {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    text: row.text,
    categories: row.categories,
    tags: row.tags,
    numeric: row.numeric,
    embedding: row.embedding === null ? null : decodeEmbedding(row.embedding),
    createdAt: row.created_at,
    hidden: row.hidden,
  };
}

/** An item as one element of the JSON array that json_to_recordset turns into rows (ITEM_RECORD). */
export function itemRecord(item: Item): Record<string, unknown> {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    text: item.text,
    categories: item.categories,
    tags: item.tags,
    numeric: item.numeric,
    // bytea's hex input form; float32 as stored, so it reads back rounded the same everywhere.
    embedding: item.embedding === null ? null : `\\x${encodeEmbedding(item.embedding).toString('hex')}`,
    created_at: item.createdAt,
    hidden: item.hidden,
  };
}

/** The column list matching itemRecord, for `json_to_recordset($1) AS r(...)`. */
export const ITEM_RECORD =
  'id text, kind text, title text, "text" text, categories text[], tags text[], "numeric" jsonb, embedding bytea, created_at bigint, hidden boolean';

export const EVENT_COLUMNS = 'id, user_id, item_id, type, value, ts, context';
export interface EventRow {
  id: string;
  user_id: string;
  item_id: string;
  type: string;
  value: number | null;
  ts: number;
  context: JsonObject | null;
}

export function eventFromRow(row: EventRow): FeedbackEvent {
  return {
    id: row.id,
    user: row.user_id,
    item: row.item_id,
    type: row.type,
    value: row.value,
    timestamp: row.ts,
    context: row.context,
  };
}

/** Little-endian float32, the same bytes the SQLite adapter stores. */
export function encodeEmbedding(embedding: readonly number[]): Buffer {
  const bytes = Buffer.alloc(embedding.length * 4);
  embedding.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes;
}

export function decodeEmbedding(bytes: Buffer): number[] {
  const out = new Array<number>(bytes.byteLength >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
