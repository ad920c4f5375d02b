import { MagpieError, type JsonObject } from '../../core/index.js';
import { deepMerge, surfaceSchema, type MagpieConfig, type SurfaceConfig } from '../../config/index.js';
import type { ModelSet, ServingModel } from '../../pipeline/index.js';
import type { Experiment, VariantDefinition } from '../../ports/index.js';
import { SurfaceSet } from '../surface-set.js';
import { bucketOf, variantAt } from './bucketing.js';

/**
 * How one variant serves: its own surfaces (the experiment's surface merged with the variant's
 * override) and models (a pinned version of one role over the models in service), or null for
 * "as the engine serves without experiments".
 */
export interface Arm {
  readonly def: VariantDefinition;
  readonly surfaces: SurfaceSet | null;
  readonly models: ModelSet | null;
}

/** A running experiment, ready to route requests in this process. */
export class ExperimentRuntime {
  constructor(
    readonly experiment: Experiment,
    private readonly arms: ReadonlyMap<string, Arm>,
  ) {}

  /** The same arms for the experiment as stored now (its start time set). */
  as(experiment: Experiment): ExperimentRuntime {
    return new ExperimentRuntime(experiment, this.arms);
  }

  get control(): Arm {
    return this.arms.get(this.experiment.control)!;
  }

  /** The user's variant: the same for every request, process and restart (bucketing.ts). */
  assign(user: string): Arm {
    const def = variantAt(this.experiment.variants, bucketOf(this.experiment.salt, user));
    return this.arms.get(def.name)!;
  }
}

export interface RuntimeDeps {
  config: MagpieConfig;
  /** The models in service. */
  models: ModelSet;
  /** A stored model version, ready to serve (MODEL_NOT_FOUND when there is none). */
  loadModel(role: string, version: number): Promise<ServingModel>;
  /** The newest learned ranker of a surface, for a variant whose ranker is `learned`. */
  learnedRanker?(surface: string): Promise<{ blob: Uint8Array; version: number } | null>;
}

/**
 * Builds every arm of an experiment. Whatever cannot serve (an unknown surface, an override that
 * does not parse or compile, a model that is not stored) is a VALIDATION_FAILED naming the variant.
 */
export async function buildRuntime(e: Experiment, deps: RuntimeDeps): Promise<ExperimentRuntime> {
  const base = deps.config.serving.surfaces[e.surface];
  if (!base) {
    throw new MagpieError('VALIDATION_FAILED', `experiment "${e.id}": no surface "${e.surface}"`, {
      surface: e.surface,
      known: Object.keys(deps.config.serving.surfaces),
    });
  }
  const arms = new Map<string, Arm>();
  for (const def of e.variants) {
    const fail = (message: string, details?: unknown): MagpieError =>
      new MagpieError('VALIDATION_FAILED', `experiment "${e.id}", variant "${def.name}": ${message}`, details);
    let models: ModelSet | null = null;
    if (def.model) {
      const { role, version } = def.model;
      let pinned: ServingModel;
      try {
        pinned = await deps.loadModel(role, version);
      } catch (err) {
        throw fail(err instanceof Error ? err.message : String(err), { role, version });
      }
      const served = deps.models;
      models = { get: (r) => (r === role ? pinned : served.get(r)) };
    }
    let surfaces: SurfaceSet | null = null;
    if (def.surface || models) {
      const config = variantSurface(base, def.surface, fail);
      surfaces = buildSurfaces(deps.config, e.surface, config, models ?? deps.models, fail);
      if (config.ranker.type === 'learned' && deps.learnedRanker) {
        const ranker = await deps.learnedRanker(e.surface);
        if (ranker) surfaces.useLearned(e.surface, ranker.blob, ranker.version);
      }
    }
    arms.set(def.name, { def, surfaces, models });
  }
  return new ExperimentRuntime(e, arms);
}

function variantSurface(base: SurfaceConfig, override: JsonObject | undefined, fail: (m: string, d?: unknown) => MagpieError): SurfaceConfig {
  const parsed = surfaceSchema.safeParse(deepMerge(base, override ?? {}));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`surface ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, parsed.error.issues);
  }
  if (parsed.data.anchor !== base.anchor) throw fail(`the surface is anchored on ${base.anchor}; a variant cannot change that`);
  return parsed.data;
}

/** All surfaces as configured, with the experiment's replaced: the feature layout stays the same. */
function buildSurfaces(
  config: MagpieConfig,
  surface: string,
  variant: SurfaceConfig,
  models: ModelSet,
  fail: (m: string, d?: unknown) => MagpieError,
): SurfaceSet {
  try {
    return new SurfaceSet({ ...config, serving: { ...config.serving, surfaces: { ...config.serving.surfaces, [surface]: variant } } }, models);
  } catch (err) {
    if (err instanceof MagpieError) throw fail(err.message, err.details);
    throw err;
  }
}
