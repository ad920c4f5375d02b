import { MagpieError, isMagpieError } from '../../core/index.js';
import { surfaceRulesSchema, type SurfaceRules, type SurfaceRulesInput } from '../../config/index.js';
import { compileExpression, type CompileOptions, type CompiledExpression } from './expression-compile.js';

/** A boost or bury after compilation: `when` compiled, direction folded into mode. */
export interface ScoreRule {
  readonly type: 'boost' | 'bury';
  readonly when: CompiledExpression;
  readonly mode: 'multiply' | 'add';
  readonly factor: number;
  readonly reason: string | undefined;
}

export interface PinRule {
  readonly item: string;
  /** 1-based. */
  readonly position: number;
  readonly reason: string | undefined;
}

export interface ExplorationPlan {
  /** Is this 0-based position of the ranked list (before pins) an exploration slot? */
  readonly isSlot: (position: number) => boolean;
  readonly source: string | undefined;
  readonly when: CompiledExpression | undefined;
  readonly reason: string | undefined;
}

/** A surface's rules with every expression compiled once, ready for postProcess. */
export interface PostProcessPlan {
  readonly kind: 'postprocess-plan';
  readonly require: readonly CompiledExpression[];
  readonly exclude: readonly CompiledExpression[];
  /** Boosts and buries in config order (additive and multiplicative ones do not commute). */
  readonly scoreRules: readonly ScoreRule[];
  /** By position, then config order; one pin per item (the first). */
  readonly pins: readonly PinRule[];
  readonly freshness: { readonly weight: number; readonly halfLifeMs: number; readonly mode: 'multiply' | 'add' } | undefined;
  readonly diversity: { readonly lambda: number; readonly cap: { readonly max: number; readonly window: number } | undefined };
  readonly exploration: ExplorationPlan | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Validates a surface's post-processing config (raw or already parsed) and compiles it. Any
 * problem, a syntax error in an expression included, is a CONFIG_INVALID naming the field.
 */
export function compilePostProcess(config: SurfaceRulesInput | SurfaceRules = {}, opts: CompileOptions = {}): PostProcessPlan {
  const parsed = surfaceRulesSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue ? issue.path.join('.') : '';
    throw new MagpieError('CONFIG_INVALID', `invalid post-processing rules${at ? ` at ${at}` : ''}: ${issue?.message ?? 'invalid'}`, parsed.error.issues);
  }
  const rules = parsed.data;
  const compile = (source: string, path: string): CompiledExpression => {
    try {
      return compileExpression(source, opts);
    } catch (err) {
      if (!isMagpieError(err)) throw err;
      throw new MagpieError('CONFIG_INVALID', `${path}: ${err.message}`, { path, ...(err.details as object) }, { cause: err });
    }
  };

  const require: CompiledExpression[] = [];
  const exclude: CompiledExpression[] = [];
  const scoreRules: ScoreRule[] = [];
  const pins: PinRule[] = [];
  const pinned = new Set<string>();
  rules.rules.forEach((rule, i) => {
    const path = `rules.${i}`;
    switch (rule.type) {
      case 'require':
        require.push(compile(rule.when, `${path}.when`));
        break;
      case 'exclude':
        exclude.push(compile(rule.when, `${path}.when`));
        break;
      case 'boost':
      case 'bury':
        scoreRules.push({ type: rule.type, when: compile(rule.when, `${path}.when`), mode: rule.mode, factor: rule.factor, reason: rule.reason });
        break;
      case 'pin':
        if (!pinned.has(rule.item)) pins.push({ item: rule.item, position: rule.position, reason: rule.reason });
        pinned.add(rule.item);
        break;
    }
  });
  // Array.prototype.sort is stable: equal positions keep config order.
  pins.sort((a, b) => a.position - b.position);

  const f = rules.freshness;
  const d = rules.diversity;
  const e = rules.exploration;
  return {
    kind: 'postprocess-plan',
    require,
    exclude,
    scoreRules,
    pins,
    freshness: f.weight > 0 ? { weight: f.weight, halfLifeMs: f.halfLifeDays * DAY_MS, mode: f.mode } : undefined,
    diversity: { lambda: d.lambda, cap: d.categoryCap ? { max: d.categoryCap.max, window: d.categoryCap.window } : undefined },
    exploration: e
      ? {
          isSlot: slotTest(e.slots, e.every),
          source: e.source,
          when: e.when === undefined ? undefined : compile(e.when, 'exploration.when'),
          reason: e.reason,
        }
      : undefined,
  };
}

export function isPostProcessPlan(x: unknown): x is PostProcessPlan {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'postprocess-plan';
}

function slotTest(slots: readonly number[], every: number): (position: number) => boolean {
  const set = new Set(slots);
  return every > 0 ? (i) => set.has((i % every) + 1) : (i) => set.has(i + 1);
}
