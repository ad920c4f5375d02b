import { getAlgorithm } from '../algorithms/index.js';
import type { ModelSet, ServingModel } from '../pipeline/index.js';
import type { ModelStore } from '../ports/index.js';

export interface ModelCacheEvents {
  onSwap?: (role: string, model: ServingModel) => void;
  onError?: (role: string, err: unknown) => void;
}

/**
 * The models in service, one per role: the version the registry marks serving for the role,
 * swapped in place when another version becomes serving (a promotion, or a rollback to an older
 * one). Requests in flight keep the object they started with, the next one gets the new model.
 */
export class ModelCache implements ModelSet {
  private readonly current = new Map<string, ServingModel>();

  constructor(
    private readonly store: ModelStore,
    private readonly roles: readonly string[],
    private readonly events: ModelCacheEvents = {},
  ) {}

  get(role: string): ServingModel | undefined {
    return this.current.get(role);
  }

  versions(): Record<string, number> {
    return Object.fromEntries([...this.current].map(([role, sm]) => [role, sm.meta.version]));
  }

  all(): ServingModel[] {
    return [...this.current.values()];
  }

  /** Loads any role whose serving version differs from the one in service. Returns roles swapped. */
  async refresh(): Promise<string[]> {
    const swapped: string[] = [];
    for (const role of this.roles) {
      try {
        const serving = await this.store.servingVersion(role);
        if (serving === 0 || serving === this.current.get(role)?.meta.version) continue;
        const stored = await this.store.get(role, serving);
        if (!stored) continue;
        const model = getAlgorithm(stored.meta.algorithm).deserialize(stored.blob);
        const sm = { model, meta: stored.meta };
        this.current.set(role, sm);
        swapped.push(role);
        this.events.onSwap?.(role, sm);
      } catch (err) {
        // A model that cannot be loaded must not take serving down: keep the previous one.
        this.events.onError?.(role, err);
      }
    }
    return swapped;
  }
}
