import { MagpieError } from '../core/index.js';
import type { ModelMeta, ModelStore, PromotionRecord } from '../ports/index.js';

/** A version with its name's promotion history (what `magpie models show` prints). */
export interface ModelDetails {
  model: ModelMeta;
  promotions: PromotionRecord[];
}

/**
 * The model registry as the CLI and the admin API use it: list, show, promote, roll back.
 * After a promotion or rollback this process's models are refreshed at once (`onChange`); other
 * servers on the store see the new serving version at their next poll (serving.modelPollSeconds).
 */
export class ModelRegistry {
  constructor(
    private readonly store: ModelStore,
    private readonly onChange: () => Promise<unknown> = async () => undefined,
  ) {}

  /** Every version, most recently saved first; one name's when given. */
  list(name?: string): Promise<ModelMeta[]> {
    return this.store.list(name);
  }

  async show(name: string, version: number): Promise<ModelDetails> {
    const model = await this.store.meta(name, version);
    if (model === null) throw new MagpieError('MODEL_NOT_FOUND', `no model ${name} v${version}`);
    return { model, promotions: await this.store.promotions(name) };
  }

  /** Puts version in service (whatever the gate said of it); the serving one before is retired. */
  async promote(name: string, version: number): Promise<ModelMeta> {
    const model = await this.store.promote(name, version);
    await this.onChange();
    return model;
  }

  /** The version that served before the current one serves again. */
  async rollback(name: string): Promise<ModelMeta> {
    const model = await this.store.rollback(name);
    await this.onChange();
    return model;
  }
}
