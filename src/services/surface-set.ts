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
    return runSurface(b.surface, input, req, (candidates) => {
      this.rank(b, name, candidates, input);
      observe?.(candidates);
    });
  }

  private rank(b: Built, name: string, candidates: Candidate[], input: SourceInput): void {
    if (candidates.length === 0) return;
    const popular = this.models.get('popular')?.model;
    const ranking = popular ? rankingOf(popular) : null;
    const need = candidates.length * b.assembler.width;
    if (this.rows.length < need) this.rows = new Float64Array(need);
    const rows = b.assembler.assemble(
      {
        candidates,
        attributes: input.attributes,
        popularity: (id) => {
          if (!popular || !ranking) return undefined;
          const i = popular.items.indexOf(id);
          return i < 0 ? undefined : ranking.scores[i];
        },
        user: userProfile(input.history.positives.keys(), input.attributes),
        now: input.now,
        surface: name,
      },
      this.rows,
    );
    const scores = b.ranker.score(rows);
    let lowest = Infinity;
    const width = b.assembler.width;
    for (let r = 0; r < candidates.length; r++) {
      const c = candidates[r]!;
      c.features = new Float64Array(rows.values.subarray(r * width, (r + 1) * width)); // a copy: the buffer is reused
      if (!hasSourceScore(c)) continue;
      c.score = scores[r]!;
      lowest = Math.min(lowest, c.score);
    }
    // Items no source scored (a caller's list items) go after the scored ones in their given
    // order, which their placeholder score −1 − position encodes.
    if (lowest === Infinity) lowest = 0;
    for (const c of candidates) if (!hasSourceScore(c)) c.score = lowest + c.score;
  }
}

/** Whether any source scored the candidate (without allocating a key list, per candidate). */
function hasSourceScore(c: Candidate): boolean {
  for (const key in c.sourceScores) if (Object.hasOwn(c.sourceScores, key)) return true;
  return false;
}
