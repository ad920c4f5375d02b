import type { FeedbackEvent } from '../../../core/index.js';

/** The k-th event (from 0) the durability child appends; it should land at seq k + 1. */
export function durabilityEvent(k: number): FeedbackEvent {
  return {
    id: `durable-${k}`,
    user: `u${k % 97}`,
    item: `i${k % 389}`,
    type: 'view',
    value: k % 5,
    timestamp: 1_700_000_000_000 + k,
    context: { surface: 'durability', k },
  };
}
