import type { Candidate, ModelSet } from '../../pipeline/index.js';
import type { ShadowList } from '../../ports/index.js';
import type { SurfaceSet } from '../surface-set.js';
import type { Arm, ExperimentRuntime } from './runtime.js';

/** Computes a request's list through a variant's surfaces and models (null: the engine's own). */
export type ComputeList = (surfaces: SurfaceSet | null, models: ModelSet | null) => Candidate[];

/** Where a route reports what happened (the experiment service). */
export interface RouteSink {
  health(experiment: string, variant: string, ms: number, failed: boolean): void;
  exposure(experiment: string, variant: string): void;
  shadow(list: ShadowList): void;
  variantFailed(experiment: string, variant: string, err: unknown): void;
}

export interface ServedList {
  page: Candidate[];
  /** The variant whose list this is (the control when the assigned variant failed). */
  variant: string;
  /** False for a fallback list: the next request should try the variant again. */
  cacheable: boolean;
}

/**
 * One request of a bucketed user. The recommend service asks it to compute the list (run) and
 * tells it what was answered (served); it times each variant, falls back to the control when a
 * non-control variant throws, and computes a shadow variant's list after the response.
 */
export class ExperimentRoute {
  readonly experiment: string;
  /** The variant the user is bucketed into. */
  readonly variant: string;
  /** The variant whose list the user is shown: the assigned one, or the control for a shadow. */
  readonly shown: string;
  private compute: ComputeList | null = null;

  constructor(
    private readonly runtime: ExperimentRuntime,
    private readonly arm: Arm,
    private readonly sink: RouteSink,
  ) {
    this.experiment = runtime.experiment.id;
    this.variant = arm.def.name;
    this.shown = arm.def.mode === 'shadow' ? runtime.experiment.control : arm.def.name;
  }

  run(compute: ComputeList): ServedList {
    this.compute = compute;
    const control = this.runtime.control;
    const arm = this.arm.def.mode === 'shadow' ? control : this.arm;
    const t0 = performance.now();
    try {
      const page = compute(arm.surfaces, arm.models);
      this.sink.health(this.experiment, arm.def.name, performance.now() - t0, false);
      return { page, variant: arm.def.name, cacheable: true };
    } catch (err) {
      this.sink.health(this.experiment, arm.def.name, performance.now() - t0, true);
      // The control is what the user would get without the experiment: its failure is the request's.
      if (arm === control) throw err;
      this.sink.variantFailed(this.experiment, arm.def.name, err);
      return { page: compute(control.surfaces, control.models), variant: control.def.name, cacheable: false };
    }
  }

  /** After the answer: counts the exposure, and computes a shadow variant's list off the request path. */
  served(requestId: string, user: string, variant: string, shown: readonly Candidate[], time: number): void {
    this.sink.exposure(this.experiment, variant);
    const compute = this.compute;
    if (this.arm.def.mode !== 'shadow' || !compute) return;
    setImmediate(() => {
      const t0 = performance.now();
      try {
        const page = compute(this.arm.surfaces, this.arm.models);
        this.sink.health(this.experiment, this.variant, performance.now() - t0, false);
        this.sink.shadow({
          experiment: this.experiment,
          variant: this.variant,
          user,
          time,
          requestId,
          shown: shown.map((c) => c.id),
          shadow: page.map((c) => c.id),
        });
      } catch (err) {
        this.sink.health(this.experiment, this.variant, performance.now() - t0, true);
        this.sink.variantFailed(this.experiment, this.variant, err);
      }
    });
  }
}
