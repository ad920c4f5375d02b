import type { Candidate, ItemAttributes } from '../candidate.js';
import type { PostProcessContext } from './context.js';
import type { FilterCheck } from './filters.js';
import type { PinRule } from './plan.js';

/** Shown when a pinned item was not among the candidates and its rule gives no reason. */
export const DEFAULT_PIN_REASON = 'featured';

export interface ResolvedPin {
  readonly candidate: Candidate;
  /** 1-based. */
  readonly position: number;
}

/**
 * The pins that apply to this request: a pinned item must pass every filter (it is looked up
 * when it was not a candidate). A pinned candidate keeps its source and score; one that was
 * not a candidate gets source "pin" and score 0. Either takes the rule's reason when it has
 * one, and a non-candidate falls back to "featured".
 *
 * @param index item id → index into `items`, for the candidates that passed the filters
 */
export function resolvePins(
  pins: readonly PinRule[],
  items: readonly Candidate[],
  index: ReadonlyMap<string, number>,
  ctx: PostProcessContext,
  check: FilterCheck,
): ResolvedPin[] {
  const out: ResolvedPin[] = [];
  for (const pin of pins) {
    const i = index.get(pin.item);
    if (i !== undefined) {
      const c = items[i]!;
      if (pin.reason !== undefined) c.reason = pin.reason;
      out.push({ candidate: c, position: pin.position });
      continue;
    }
    const attrs: ItemAttributes | undefined = ctx.attributes(pin.item);
    if (check(pin.item, attrs) !== undefined) continue;
    out.push({
      candidate: { id: pin.item, sourceScores: {}, source: 'pin', reason: pin.reason ?? DEFAULT_PIN_REASON, score: 0 },
      position: pin.position,
    });
  }
  return out;
}
