import type { Candidate, ItemAttributes } from '../candidate.js';
import type { ScoreRule } from './plan.js';
import { scaleScore } from './score.js';

/**
 * Applies boosts and buries in config order to every item they match (in place on the
 * filtered copies). multiply: score × factor (sign-aware, see scaleScore); add: ± factor.
 * A rule with a `reason` replaces the reason of the items it matched; the last such rule wins.
 */
export function applyScoreRules(items: Candidate[], attrs: readonly ItemAttributes[], rules: readonly ScoreRule[], now: number): void {
  if (rules.length === 0) return;
  for (let i = 0; i < items.length; i++) {
    const c = items[i]!;
    const a = attrs[i]!;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      if (!rule.when.test(a, now, c.id)) continue;
      if (rule.mode === 'multiply') c.score = scaleScore(c.score, rule.factor);
      else c.score += rule.type === 'boost' ? rule.factor : -rule.factor;
      if (rule.reason !== undefined) c.reason = rule.reason;
    }
  }
}
