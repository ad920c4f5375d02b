import { MagpieError } from '../../core/index.js';
import { deepMerge, surfaceSchema, type MagpieConfig, type SurfaceConfig } from '../../config/index.js';

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
  const o: unknown = variant.surfaceOverride;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
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

/**
 * The configuration a variant's RecommendService runs on: the engine's, with only the replayed
 * surface (others are not asked) and no per-user cache (each user is asked once).
 */
export function variantConfig(config: MagpieConfig, surface: string, surfaceConfig: SurfaceConfig): MagpieConfig {
  if (surfaceConfig.anchor !== 'user') {
    throw new MagpieError(
      'VALIDATION_FAILED',
      `surface "${surface}" is anchored on ${surfaceConfig.anchor}: replay scores users' lists, so it needs a user-anchored surface`,
      { surface },
    );
  }
  return { ...config, serving: { ...config.serving, surfaces: { [surface]: { ...surfaceConfig, cacheSeconds: 0 } } } };
}
