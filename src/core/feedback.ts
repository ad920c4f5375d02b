import type { FeedbackEvent, FeedbackRole, FeedbackTypes } from './types.js';

/** The role an event plays once its type configuration (and value threshold) is applied. */
export function roleOf(event: Pick<FeedbackEvent, 'type' | 'value'>, types: FeedbackTypes): FeedbackRole | null {
  const cfg = types[event.type];
  if (!cfg) return null;
  if (cfg.minValue !== undefined && event.value !== null && event.value < cfg.minValue) return 'negative';
  return cfg.role;
}

/** The interaction strength one event adds to its user–item pair (0 for seen/negative). */
export function weightOf(event: Pick<FeedbackEvent, 'type' | 'value'>, types: FeedbackTypes): number {
  const cfg = types[event.type];
  if (!cfg || roleOf(event, types) !== 'positive') return 0;
  return cfg.scaleByValue && event.value !== null ? cfg.weight * event.value : cfg.weight;
}
