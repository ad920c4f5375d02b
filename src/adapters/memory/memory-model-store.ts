import { systemClock, type Clock } from '../../core/index.js';
import type { ModelMeta, ModelStore, NewModel, StoredModel } from '../../ports/index.js';
import { requirePositiveInteger, storeClosedError } from '../shared/index.js';

/** ModelStore in process memory; blobs are copied in and out so stored models stay immutable. */
export class MemoryModelStore implements ModelStore {
  /** Every saved model, in save order (the order list() reverses). */
  private readonly saved: StoredModel[] = [];
  private readonly byName = new Map<string, StoredModel[]>();
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {}

  async save(meta: NewModel, blob: Uint8Array): Promise<ModelMeta> {
    this.assertOpen();
    // Synchronous from here to the push, so concurrent saves cannot share a version.
    const versions = this.byName.get(meta.name) ?? [];
    const stored: StoredModel = {
      meta: { ...structuredClone(meta), version: versions.length + 1, bytes: blob.byteLength },
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

  private assertOpen(): void {
    if (this.closed) throw storeClosedError('model store');
  }
}

function copyOf(stored: StoredModel | undefined): StoredModel | null {
  return stored === undefined ? null : { meta: structuredClone(stored.meta), blob: new Uint8Array(stored.blob) };
}
