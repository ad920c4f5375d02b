import type { FeedbackEvent, FeedbackRole, FeedbackTypeConfig, FeedbackTypes } from './types.js';

/** The role an event plays once its type configuration (and value threshold) is applied. */
export function roleOf(event: Pick<FeedbackEvent, 'type' | 'value'>, types: FeedbackTypes): FeedbackRole | null {
  const cfg = configOf(event.type, types);
  if (!cfg) return null;
  if (cfg.minValue !== undefined && event.value !== null && event.value < cfg.minValue) return 'negative';
  return cfg.role;
}

/** The interaction strength one event adds to its user–item pair (0 for seen/negative). */
export function weightOf(event: Pick<FeedbackEvent, 'type' | 'value'>, types: FeedbackTypes): number {
  const cfg = configOf(event.type, types);
  if (!cfg || roleOf(event, types) !== 'positive') return 0;
  return cfg.scaleByValue && event.value !== null ? cfg.weight * event.value : cfg.weight;
}

/**
 * Own keys only: event types come from callers, and a type named "constructor" or "toString"
 * must not find Object.prototype's members (roleOf would answer undefined instead of null).
 */
function configOf(type: string, types: FeedbackTypes): FeedbackTypeConfig | undefined {
  return Object.hasOwn(types, type) ? types[type] : undefined;
}
