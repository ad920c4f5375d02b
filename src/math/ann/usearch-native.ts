import { createRequire } from 'node:module';
import { MagpieError } from '../../core/index.js';

/** The part of usearch's `Index` this folder uses (usearch 2.25, javascript/usearch.ts). */
export interface NativeIndex {
  /** threads = 1 inserts in the given order on the calling thread (a deterministic graph). */
  add(keys: BigUint64Array, vectors: Float32Array, threads: number): void;
  search(query: Float32Array, k: number, threads: number): { keys: BigUint64Array; distances: Float32Array };
  size(): number;
}

export interface NativeIndexConfig {
  dimensions: number;
  metric: 'ip' | 'cos';
  quantization: 'f32';
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  multi: false;
}

interface UsearchModule {
  Index: new (config: NativeIndexConfig) => NativeIndex;
}

let loaded: UsearchModule | Error | undefined;

/**
 * usearch's native addon, loaded on first use. It is loaded through `require` (its CommonJS
 * build finds the addon from __dirname) rather than `import`: the ESM build locates the addon by
 * walking the caller's stack and recurses forever when the caller is not a file (node -e), and
 * a lazy load keeps the rest of the engine usable where the addon cannot load.
 */
function usearch(): UsearchModule | Error {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('usearch') as UsearchModule;
    } catch (err) {
      loaded = err instanceof Error ? err : new Error(String(err));
    }
  }
  return loaded;
}

/** Why the HNSW index cannot be built here, or null when it can. */
export function annUnavailableReason(): string | null {
  const m = usearch();
  return m instanceof Error ? `usearch could not be loaded: ${m.message}` : null;
}

export function newNativeIndex(config: NativeIndexConfig): NativeIndex {
  const m = usearch();
  if (m instanceof Error) throw new MagpieError('UNAVAILABLE', `usearch could not be loaded: ${m.message}`, undefined, { cause: m });
  return new m.Index(config);
}
