import { MagpieError } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import {
  buildSurface,
  DefaultRanker,
  IndexRetrieval,
  FeatureAssembler,
  GbdtModel,
  GbdtRanker,
  rankingOf,
  runSurface,
  userProfile,
  type Candidate,
  type FeatureInputs,
  type FeatureMatrix,
  type UserProfile,
  type ModelSet,
  type Ranker,
  type SourceInput,
  type Surface,
  type SurfaceRequest,
} from '../pipeline/index.js';
import { featureAssemblerFor } from './ranker-training.js';

interface Built {
  surface: Surface;
  assembler: FeatureAssembler;
  ranker: Ranker;
  /** The model-store version of the learned ranker in use, 0 for the default fusion. */
  learnedVersion: number;
}

/**
 * The configured surfaces, built once: sources, compiled rules, and per surface a feature
 * assembler and a ranker (the default fusion; a learned ranker takes its place once trained).
 */
export class SurfaceSet {
  private readonly built = new Map<string, Built>();
  private rows = new Float64Array(0);

  constructor(
    config: MagpieConfig,
    private readonly models: ModelSet,
  ) {
    const retrieval = new IndexRetrieval({ kind: config.serving.retrieval });
    for (const [name, sc] of Object.entries(config.serving.surfaces)) {
      const surface = buildSurface(name, sc, retrieval);
      const assembler = featureAssemblerFor(config, name);
      const ranker = new DefaultRanker(assembler.names, { method: sc.ranker.method, rrfK: sc.ranker.rrfK, weights: sc.ranker.weights });
      this.built.set(name, { surface, assembler, ranker, learnedVersion: 0 });
    }
  }

  /** Surfaces whose configuration asks for a learned ranker. */
  learnedSurfaces(): string[] {
    return this.names().filter((n) => this.get(n).surface.config.ranker.type === 'learned');
  }

  learnedVersion(name: string): number {
    return this.get(name).learnedVersion;
  }

  /** Serves a surface with a learned ranker (a stored GBDT) in place of the default fusion. */
  useLearned(name: string, bytes: Uint8Array, version: number): void {
    const b = this.get(name);
    b.ranker = new GbdtRanker(GbdtModel.deserialize(bytes), b.assembler.names);
    b.learnedVersion = version;
  }

  names(): string[] {
    return [...this.built.keys()];
  }

  get(name: string): Built {
    const b = this.built.get(name);
    if (!b) throw new MagpieError('SURFACE_NOT_FOUND', `no surface "${name}"`, { surface: name, known: this.names() });
    return b;
  }

  /** Refuses a surface of the wrong kind for a route (an item page surface for a user feed…). */
  expectAnchor(name: string, anchor: 'user' | 'item' | 'list'): void {
    const got = this.get(name).surface.config.anchor;
    if (got !== anchor) {
      throw new MagpieError('VALIDATION_FAILED', `surface "${name}" is anchored on ${got}, this route needs one anchored on ${anchor}`, { surface: name });
    }
  }

  /** `observe` sees the ranked candidates before post-processing (services/inspect.ts). */
  run(name: string, input: SourceInput, req: SurfaceRequest, observe?: (ranked: readonly Candidate[]) => void): Candidate[] {
    const b = this.get(name);
    let ranked: RankedRows | undefined;
    const page = runSurface(b.surface, input, req, (candidates) => {
      ranked = this.rank(b, name, candidates, input);
      // Inspection only: every candidate's full feature row, before post-processing changes them.
      if (observe) {
        if (ranked) {
          this.attachFeatures(b, ranked, candidates);
          ranked.complete = true; // every row's context is filled now: the page's need not be again
        }
        observe(candidates);
      }
    });
    if (ranked) this.attachFeatures(b, ranked, page);
    return page;
  }

  /**
   * Scores the candidates. Only the columns the ranker reads are assembled for every candidate
   * (a fusion ranker reads the source columns alone); the rest are filled for the page's items
   * by attachFeatures, which is all that is logged.
   */
  private rank(b: Built, name: string, candidates: Candidate[], input: SourceInput): RankedRows | undefined {
    if (candidates.length === 0) return undefined;
    const need = candidates.length * b.assembler.width;
    if (this.rows.length < need) this.rows = new Float64Array(need);
    const inputs = this.featureInputs(name, candidates, input);
    const rows = b.assembler.assemble(inputs, this.rows, { context: b.ranker.readsContext });
    const scores = b.ranker.score(rows);
    let lowest = Infinity;
    for (let r = 0; r < candidates.length; r++) {
      const c = candidates[r]!;
      if (!hasSourceScore(c)) continue;
      c.score = scores[r]!;
      lowest = Math.min(lowest, c.score);
    }
    // Items no source scored (a caller's list items) go after the scored ones in their given
    // order, which their placeholder score −1 − position encodes.
    if (lowest === Infinity) lowest = 0;
    for (const c of candidates) if (!hasSourceScore(c)) c.score = lowest + c.score;
    return { inputs, rows, complete: b.ranker.readsContext };
  }

  /** Each page item's feature row (a copy: the buffer is reused by the next request). */
  private attachFeatures(b: Built, ranked: RankedRows, page: Candidate[]): void {
    const rowOf = new Map<string, number>();
    ranked.inputs.candidates.forEach((c, r) => rowOf.set(c.id, r));
    const width = b.assembler.width;
    for (const c of page) {
      const r = rowOf.get(c.id);
      if (r === undefined) continue;
      if (!ranked.complete) b.assembler.fillContext(ranked.inputs, ranked.rows, r);
      c.features = Float64Array.from(ranked.rows.values.subarray(r * width, (r + 1) * width));
    }
  }

  private featureInputs(name: string, candidates: Candidate[], input: SourceInput): FeatureInputs {
    const popular = this.models.get('popular')?.model;
    const ranking = popular ? rankingOf(popular) : null;
    let user: UserProfile | undefined;
    return {
      candidates,
      attributes: input.attributes,
      popularity: (id) => {
        if (!popular || !ranking) return undefined;
        const i = popular.items.indexOf(id);
        return i < 0 ? undefined : ranking.scores[i];
      },
      // The profile walks the whole history: made only when a row's context is filled.
      get user() {
        return (user ??= userProfile(input.history.positives.keys(), input.attributes));
      },
      now: input.now,
      surface: name,
    };
  }
}

/** A request's feature rows, kept until its page is known. */
interface RankedRows {
  inputs: FeatureInputs;
  rows: FeatureMatrix;
  /** Whether every column of every row is filled (else only the source columns). */
  complete: boolean;
}

/** Whether any source scored the candidate (without allocating a key list, per candidate). */
function hasSourceScore(c: Candidate): boolean {
  for (const key in c.sourceScores) if (Object.hasOwn(c.sourceScores, key)) return true;
  return false;
}
