import { MagpieError, systemClock, type Clock } from '../../core/index.js';
import type { ModelMeta, ModelStore, NewModel, PromotionRecord, StoredModel } from '../../ports/index.js';
import { requirePositiveInteger, storeClosedError } from '../shared/index.js';

/** ModelStore in process memory; blobs are copied in and out so stored models stay immutable. */
export class MemoryModelStore implements ModelStore {
  /** Every saved model, in save order (the order list() reverses). */
  private readonly saved: StoredModel[] = [];
  private readonly byName = new Map<string, StoredModel[]>();
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();
  /** Promotion history per name, oldest first. */
  private readonly history = new Map<string, PromotionRecord[]>();
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {}

  async save(meta: NewModel, blob: Uint8Array): Promise<ModelMeta> {
    this.assertOpen();
    // Synchronous from here to the push, so concurrent saves cannot share a version.
    const versions = this.byName.get(meta.name) ?? [];
    const stored: StoredModel = {
      meta: {
        ...structuredClone(meta),
        version: versions.length + 1,
        bytes: blob.byteLength,
        state: 'candidate',
        promotedAt: null,
        gate: structuredClone(meta.gate ?? null),
      },
      blob: new Uint8Array(blob),
    };
    versions.push(stored);
    this.byName.set(meta.name, versions);
    this.saved.push(stored);
    return structuredClone(stored.meta);
  }

  async latest(name: string): Promise<StoredModel | null> {
    this.assertOpen();
    const versions = this.byName.get(name) ?? [];
    return copyOf(versions[versions.length - 1]);
  }

  async get(name: string, version: number): Promise<StoredModel | null> {
    this.assertOpen();
    const stored = this.byName.get(name)?.[version - 1];
    return copyOf(stored?.meta.version === version ? stored : undefined);
  }

  async meta(name: string, version: number): Promise<ModelMeta | null> {
    this.assertOpen();
    const stored = this.byName.get(name)?.[version - 1];
    return stored?.meta.version === version ? structuredClone(stored.meta) : null;
  }

  async servingVersion(name: string): Promise<number> {
    this.assertOpen();
    return this.byName.get(name)?.find((s) => s.meta.state === 'serving')?.meta.version ?? 0;
  }

  // promote and rollback are synchronous from their first check to their last write, so no
  // other call on this thread can see (or make) two serving versions of one name.
  async promote(name: string, version: number): Promise<ModelMeta> {
    this.assertOpen();
    const target = this.byName.get(name)?.[version - 1];
    if (target?.meta.version !== version) throw new MagpieError('MODEL_NOT_FOUND', `no model ${name} v${version}`);
    if (target.meta.state !== 'serving') {
      const now = this.clock.now();
      this.retireServing(name);
      target.meta.state = 'serving';
      target.meta.promotedAt = now;
      this.historyOf(name).push({ version, promotedAt: now, rolledBackAt: null });
    }
    return structuredClone(target.meta);
  }

  async rollback(name: string): Promise<ModelMeta> {
    this.assertOpen();
    const standing = this.historyOf(name).filter((p) => p.rolledBackAt === null);
    const current = standing[standing.length - 1];
    const previous = standing[standing.length - 2];
    const target = previous && this.byName.get(name)?.[previous.version - 1];
    if (!current || !target) throw new MagpieError('NOTHING_TO_ROLL_BACK', `${name} has no earlier promotion to roll back to`);
    current.rolledBackAt = this.clock.now();
    this.retireServing(name);
    target.meta.state = 'serving';
    // It serves again under the promotion that now stands.
    target.meta.promotedAt = previous.promotedAt;
    return structuredClone(target.meta);
  }

  async promotions(name: string): Promise<PromotionRecord[]> {
    this.assertOpen();
    return structuredClone(this.historyOf(name)).reverse();
  }

  async latestVersion(name: string): Promise<number> {
    this.assertOpen();
    return this.byName.get(name)?.length ?? 0;
  }

  async list(name?: string): Promise<ModelMeta[]> {
    this.assertOpen();
    const source = name === undefined ? this.saved : (this.byName.get(name) ?? []);
    return source.map((s) => structuredClone(s.meta)).reverse();
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    requirePositiveInteger('ttlMs', ttlMs);
    // Synchronous check-and-set: no other call can run in between on this thread.
    const now = this.clock.now();
    const lease = this.leases.get(name);
    if (lease !== undefined && lease.holder !== holder && lease.expiresAt > now) return false;
    this.leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.assertOpen();
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private retireServing(name: string): void {
    for (const s of this.byName.get(name) ?? []) if (s.meta.state === 'serving') s.meta.state = 'retired';
  }

  private historyOf(name: string): PromotionRecord[] {
    let h = this.history.get(name);
    if (!h) this.history.set(name, (h = []));
    return h;
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('model store');
  }
}

function copyOf(stored: StoredModel | undefined): StoredModel | null {
  return stored === undefined ? null : { meta: structuredClone(stored.meta), blob: new Uint8Array(stored.blob) };
}
