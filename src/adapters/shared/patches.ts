import type { Item, JsonObject, JsonValue } from '../../core/index.js';
import type { ItemPatch, UserPatch } from '../../ports/index.js';
import { toFloat32Embedding } from './records.js';

/**
 * A user's attributes after a PATCH: shallow merge, a null value deletes the key, keys the
 * patch does not name are kept. Built with Object.fromEntries so a key such as "__proto__"
 * stays an ordinary data key instead of changing the object's prototype.
 */
export function mergeUserAttributes(current: JsonObject, patch: UserPatch['attributes']): JsonObject {
  const merged = new Map<string, JsonValue>(Object.entries(current));
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue;
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

/** Numeric attributes after a PATCH: merged like user attributes (null deletes). */
export function mergeNumeric(current: Record<string, number>, patch: ItemPatch['numeric']): Record<string, number> {
  const merged = new Map<string, number>(Object.entries(current));
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue;
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

/**
 * An item after a PATCH: every field the patch names replaces the stored one (lists included,
 * so a patch with `categories` sets the whole list), except `numeric`, which is merged. Fields
 * outside the patchable set (such as `id`) are ignored even if a caller smuggles them in.
 */
export function applyItemPatch(item: Item, patch: ItemPatch): Item {
  const next: Item = { ...item };
  if (patch.kind !== undefined) next.kind = patch.kind;
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.text !== undefined) next.text = patch.text;
  if (patch.categories !== undefined) next.categories = [...patch.categories];
  if (patch.tags !== undefined) next.tags = [...patch.tags];
  if (patch.embedding !== undefined) next.embedding = toFloat32Embedding(patch.embedding);
  if (patch.createdAt !== undefined) next.createdAt = patch.createdAt;
  if (patch.hidden !== undefined) next.hidden = patch.hidden;
  if (patch.numeric !== undefined) next.numeric = mergeNumeric(item.numeric, patch.numeric);
  return next;
}
