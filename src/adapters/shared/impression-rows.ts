import type { Impression, LabelledImpression } from '../../ports/index.js';

/**
 * One served list stored as one record (not one per shown item): what makes logging every
 * response cheap enough for the serving path. Items are [id, position, source, score] tuples;
 * feature rows are packed little-endian float32 (`width` per item; NaN for missing).
 */
export interface PackedImpression {
  items: string;
  features: Buffer | null;
  width: number;
}

type ItemTuple = [string, number, string, number];

export function packImpression(imp: Impression): PackedImpression {
  const items = JSON.stringify(imp.items.map((it): ItemTuple => [it.item, it.position, it.source, it.score]));
  const width = imp.items.reduce((w, it) => Math.max(w, it.features?.length ?? 0), 0);
  if (width === 0) return { items, features: null, width: 0 };
  const rows = new Float32Array(imp.items.length * width).fill(NaN);
  imp.items.forEach((it, r) => {
    if (it.features) rows.set(it.features, r * width);
  });
  return { items, features: Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength), width };
}

/** The items of a stored list; none when they are missing (a repeat of a list never stored). */
export function unpackItems(items: string | null): ItemTuple[] {
  return items === null ? [] : (JSON.parse(items) as ItemTuple[]);
}

/** The shown items of one stored list as labelled rows. */
export function labelledRows(
  head: { requestId: string; user: string; surface: string; variant: string | null; time: number },
  items: ItemTuple[],
  outcomes: (string | null)[] | null,
  features: Uint8Array | null,
  width: number,
): LabelledImpression[] {
  const floats = features && width > 0 ? new Float32Array(features.buffer.slice(features.byteOffset, features.byteOffset + features.byteLength)) : null;
  return items.map(([item, position, source, score], r) => ({
    ...head,
    item,
    position,
    source,
    score,
    features: floats ? featureRow(floats.subarray(r * width, (r + 1) * width)) : undefined,
    outcome: outcomes?.[r] ?? null,
  }));
}

/** An item logged without features was packed as NaNs: give it back as absent. */
function featureRow(row: Float32Array): number[] | undefined {
  return row.every((x) => Number.isNaN(x)) ? undefined : Array.from(row);
}
