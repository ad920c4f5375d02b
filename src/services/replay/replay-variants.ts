import { MagpieError } from '../../core/index.js';
import { getAlgorithm, parseParams } from '../../algorithms/index.js';
import { deepMerge, surfaceSchema, type MagpieConfig, type ModelSpec, type SurfaceConfig } from '../../config/index.js';

/** One configuration a replay evaluates. */
export interface ReplayVariant {
  /** Its name in the report ("baseline", "candidate"…). */
  name: string;
  /**
   * Surface configuration merged over the configured surface, the way serving.surfaces merges
   * over the built-in ones (objects key by key, arrays such as `sources` replaced). A surface
   * the configuration does not have is taken from the override alone.
   */
  surfaceOverride?: Record<string, unknown> | undefined;
  /**
   * Model roles merged over training.models, as the configuration merges them over the defaults
   * (a role given replaces that role, null removes it). A variant with other models than the
   * baseline's trains its own on the same state.
   */
  modelsOverride?: Record<string, unknown> | undefined;
}

/** The surface a variant serves, parsed with its defaults; a bad override is the caller's error. */
export function variantSurface(config: MagpieConfig, surface: string, variant: ReplayVariant): SurfaceConfig {
  const configured = Object.hasOwn(config.serving.surfaces, surface) ? config.serving.surfaces[surface] : undefined;
  if (variant.surfaceOverride === undefined) {
    if (!configured) {
      throw new MagpieError('SURFACE_NOT_FOUND', `no surface "${surface}" is configured (give ${variant.name} an override to define one)`, {
        surface,
        known: Object.keys(config.serving.surfaces),
      });
    }
    return configured;
  }
  if (!isObject(variant.surfaceOverride)) {
    throw new MagpieError('VALIDATION_FAILED', `${variant.name}: a surface override must be a JSON object`);
  }
  const parsed = surfaceSchema.safeParse(configured ? deepMerge(configured, variant.surfaceOverride) : variant.surfaceOverride);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MagpieError(
      'VALIDATION_FAILED',
      `${variant.name}: invalid surface override${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`,
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/** The model roles a variant trains and serves from; a bad override is the caller's error. */
export function variantModels(config: MagpieConfig, variant: ReplayVariant): Record<string, ModelSpec> {
  const given = variant.modelsOverride;
  if (given === undefined) return config.training.models;
  const bad = (message: string, details?: unknown): never => {
    throw new MagpieError('VALIDATION_FAILED', `${variant.name}: ${message}`, details);
  };
  if (!isObject(given)) bad('a models override must be a JSON object of roles');
  const models: Record<string, ModelSpec> = { ...config.training.models };
  for (const [role, spec] of Object.entries(given)) {
    if (spec === null) {
      delete models[role];
      continue;
    }
    if (!isObject(spec) || typeof spec['algorithm'] !== 'string') bad(`models.${role} must be {"algorithm": name, "params": {…}}`, { role });
    const { algorithm, params = {}, ...rest } = spec as { algorithm: string; params?: unknown };
    if (Object.keys(rest).length > 0) bad(`models.${role}: unknown key "${Object.keys(rest)[0]}"`, { role });
    if (!isObject(params)) bad(`models.${role}.params must be a JSON object`, { role });
    // Checked now, so a typo fails before the data is read and the other roles trained.
    parseParams(getAlgorithm(algorithm), params, `${variant.name}: models.${role}.params`);
    models[role] = { algorithm, params: params as Record<string, unknown> };
  }
  if (Object.keys(models).length === 0) bad('the models override removes every role');
  return models;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The configuration a variant's RecommendService runs on: the engine's, with only the replayed
 * surface (others are not asked) and no per-user cache (each user is asked once).
 */
export function variantConfig(
  config: MagpieConfig,
  surface: string,
  surfaceConfig: SurfaceConfig,
  models: Record<string, ModelSpec>,
): MagpieConfig {
  if (surfaceConfig.anchor !== 'user') {
    throw new MagpieError(
      'VALIDATION_FAILED',
      `surface "${surface}" is anchored on ${surfaceConfig.anchor}: replay scores users' lists, so it needs a user-anchored surface`,
      { surface },
    );
  }
  return {
    ...config,
    // No holdout: the window is the test.
    training: { ...config.training, models, holdoutFraction: 0 },
    serving: { ...config.serving, surfaces: { [surface]: { ...surfaceConfig, cacheSeconds: 0 } } },
  };
}
