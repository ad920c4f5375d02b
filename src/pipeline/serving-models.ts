import type { Model } from '../algorithms/index.js';
import type { ModelMeta } from '../ports/index.js';

/** A trained model in service, with the registry metadata it was stored with. */
export interface ServingModel {
  model: Model;
  meta: ModelMeta;
}

/** The models of the current generation, by role (main, similar, popular, trending…). */
export interface ModelSet {
  get(role: string): ServingModel | undefined;
}
