import { gemv, type Vec } from '../blas.js';
import { KernelMemory } from './kernel-memory.js';

/**
 * out = Y·u for a fixed n×k f32 matrix Y (the item factors of a model), many times over.
 * Y is copied once into WASM memory and scored with the SIMD kernel; without WASM it falls
 * back to the plain-TypeScript gemv (the reference the kernel is tested against).
 */
export class DenseScorer {
  private readonly kernels: KernelMemory | null;
  private readonly yPtr: number = 0;
  private readonly uPtr: number = 0;
  private readonly outPtr: number = 0;

  constructor(
    private readonly y: Float32Array,
    readonly n: number,
    readonly k: number,
  ) {
    this.kernels = n > 0 && k > 0 ? KernelMemory.create() : null;
    if (this.kernels) {
      this.yPtr = this.kernels.put(y.subarray(0, n * k));
      this.uPtr = this.kernels.alloc(4 * k);
      this.outPtr = this.kernels.alloc(4 * n);
    }
  }

  get usesWasm(): boolean {
    return this.kernels !== null;
  }

  score(u: Vec, out: Float32Array): void {
    const kernels = this.kernels;
    if (!kernels) {
      gemv(this.n, this.k, 1, this.y, u, 0, out);
      return;
    }
    kernels.f32(this.uPtr, this.k).set(u.subarray(0, this.k));
    kernels.exports.scoreF32(this.yPtr, this.n, this.k, this.uPtr, this.outPtr);
    out.set(kernels.f32(this.outPtr, this.n));
  }
}
