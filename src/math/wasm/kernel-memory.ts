import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/** The exports of assembly/kernels.ts; pointers are byte offsets into `memory`. */
export interface KernelExports {
  scoreF32(y: number, n: number, k: number, u: number, out: number): void;
  addTransposedMatVecF32(g: number, m: number, k: number, w: number, out: number): void;
  gramF32(y: number, n: number, k: number, w: number, out: number): void;
  alsHalfStep(
    rowStart: number, rowEnd: number, indptr: number, indices: number, values: number, fixed: number, target: number, k: number,
    gram: number, lambdas: number, gramScales: number, cgSteps: number, maxRow: number, scratch: number,
  ): void;
  /** assembly/quantized.ts */
  scoreI8(codes: number, n: number, kp: number, q: number, scales: number, qScale: number, out: number): void;
  scoreRowsF32(y: number, k: number, rows: number, m: number, u: number, out: number): void;
  collectBetween(scores: number, n: number, lo: number, hi: number, out: number): number;
}

/** First byte handed out: the module keeps no data of its own, page 0 is left to it anyway. */
const HEAP_START = 65536;
const PAGE = 65536;
/** Must match --initialMemory / --maximumMemory in scripts/build-wasm.mjs (pages of 64 KiB). */
const INITIAL_PAGES = 2;
const MAXIMUM_PAGES = 32768;

let compiled: WebAssembly.Module | null | undefined;

/**
 * Whether the WASM SIMD kernels run here. False when MAGPIE_KERNELS=js asks for the
 * plain-TypeScript reference kernels (benchmarks compare the two) or the runtime cannot compile
 * the module (no SIMD support).
 */
export function wasmKernelsEnabled(): boolean {
  return kernelModule() !== null;
}

function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (process.env['MAGPIE_KERNELS'] === 'js') return compiled;
  try {
    compiled = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  } catch {
    // no WASM SIMD here: the reference kernels serve
  }
  return compiled;
}

/** The module's exports over a given (shared) memory. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

/**
 * One instance of the kernel module with its own linear memory and a bump allocator over it.
 * Each long-lived user (a model's item factors, one training run) takes its own instance, so
 * its memory is released with it by the garbage collector. Views returned by f32/f64/i32 cover
 * the memory as it was (it may grow): take them after allocating.
 */
export class KernelMemory {
  readonly exports: KernelExports;
  /** Shared, so worker threads can instantiate the same module over it (kernel-threads.ts). */
  readonly memory: WebAssembly.Memory;
  private top = HEAP_START;

  private constructor(readonly module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
    this.exports = instantiateKernels(module, this.memory);
  }

  /** A fresh instance, or null when the WASM kernels are disabled or unavailable. */
  static create(): KernelMemory | null {
    const module = kernelModule();
    return module ? new KernelMemory(module) : null;
  }

  /** Reserves `bytes` (16-byte aligned, for SIMD loads) and answers their offset. */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = ptr + Math.ceil(bytes / 16) * 16;
    const memory = this.memory;
    const missing = this.top - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    return ptr;
  }

  /** Copies `data` into fresh memory and answers its offset. */
  put(data: Float32Array | Float64Array | Int32Array | Int16Array | Int8Array): number {
    const ptr = this.alloc(data.byteLength);
    new Uint8Array(this.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return ptr;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  i16(ptr: number, length: number): Int16Array {
    return new Int16Array(this.memory.buffer, ptr, length);
  }

  i8(ptr: number, length: number): Int8Array {
    return new Int8Array(this.memory.buffer, ptr, length);
  }
}
