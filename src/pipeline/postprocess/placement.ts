import type { Candidate } from '../candidate.js';
import type { ExplorationDraw } from './exploration.js';
import type { ResolvedPin } from './pins.js';

export interface Placement {
  /** Item indices, best first, after diversity: at least `want` long when that many exist. */
  ranked: readonly number[];
  /** The filtered items the indices refer to. */
  items: readonly Candidate[];
  /** Pins sorted by position (their items are not in `ranked` nor in the exploration pool). */
  pins: readonly ResolvedPin[];
  exploration: { draw: ExplorationDraw; isSlot: (position: number) => boolean; reason: string | undefined } | undefined;
}

/**
 * Fills final positions 0, 1, 2… up to `want` in one pass. At each position:
 *   1. a pin whose position has come takes it (two pins on one position: config order);
 *   2. else, on an exploration slot, the next seeded draw not yet placed (if the pool is used
 *      up, the slot falls through to the ranking);
 *   3. else the next ranked item not yet placed (an item explored earlier is skipped later);
 *   4. when the ranking runs out, the remaining pins follow the last item.
 * Pins and slots thus name positions the user sees. Each position depends only on what came
 * before it, so the first k of a longer run are exactly a run of k: pages stay consistent.
 * Exploration items take the slot's reason when it has one (on the filtered copies).
 */
export function placeItems(p: Placement, want: number): Candidate[] {
  const { ranked, items, pins, exploration } = p;
  const placed = new Uint8Array(items.length);
  const out: Candidate[] = [];
  let pin = 0;
  let r = 0;
  while (out.length < want) {
    const pos = out.length;
    if (pin < pins.length && pins[pin]!.position <= pos + 1) {
      out.push(pins[pin++]!.candidate);
      continue;
    }
    if (exploration?.isSlot(pos)) {
      let e = exploration.draw.next();
      while (e !== undefined && placed[e]) e = exploration.draw.next();
      if (e !== undefined) {
        placed[e] = 1;
        const c = items[e]!;
        if (exploration.reason !== undefined) c.reason = exploration.reason;
        out.push(c);
        continue;
      }
    }
    while (r < ranked.length && placed[ranked[r]!]) r++;
    if (r < ranked.length) {
      placed[ranked[r]!] = 1;
      out.push(items[ranked[r++]!]!);
    } else if (pin < pins.length) {
      out.push(pins[pin++]!.candidate);
    } else {
      break;
    }
  }
  return out;
}
