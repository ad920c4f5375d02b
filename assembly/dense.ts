// Dense block kernels of the EASE solver (src/algorithms/ease/): products of b×b tiles, where a
// block Gauss-Jordan (sweep) inversion of a symmetric matrix spends ~all of its n³ flops. The
// plain-TypeScript reference is tileMultiplyAddReference in src/algorithms/ease/block-update.ts;
// src/math/wasm/dense-blocks.ts lays out the memory.
// Tiles are b×b f32, row-major, 16-byte aligned; b is a multiple of 8.

/**
 * C += A · Bt for b×b tiles (C[i][j] += Σ_t A[i][t]·Bt[t][j]), four rows × eight columns of C
 * at a time held in registers while t runs, so each C value is loaded and stored once per call
 * and each Bt row chunk is loaded once per four rows.
 */
@inline function tileMultiplyAdd(c: usize, a: usize, bt: usize, b: i32): void {
  const rowBytes = <usize>b << 2;
  for (let i = 0; i < b; i += 4) {
    const a0 = a + <usize>i * rowBytes;
    const a1 = a0 + rowBytes;
    const a2 = a1 + rowBytes;
    const a3 = a2 + rowBytes;
    const c0 = c + <usize>i * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    for (let j = 0; j < b; j += 8) {
      const jb = <usize>j << 2;
      let s00 = v128.load(c0 + jb);
      let s01 = v128.load(c0 + jb + 16);
      let s10 = v128.load(c1 + jb);
      let s11 = v128.load(c1 + jb + 16);
      let s20 = v128.load(c2 + jb);
      let s21 = v128.load(c2 + jb + 16);
      let s30 = v128.load(c3 + jb);
      let s31 = v128.load(c3 + jb + 16);
      let w = bt + jb;
      for (let t = 0; t < b; t++) {
        const tb = <usize>t << 2;
        const w0 = v128.load(w);
        const w1 = v128.load(w + 16);
        const x0 = v128.load32_splat(a0 + tb);
        s00 = f32x4.add(s00, f32x4.mul(x0, w0));
        s01 = f32x4.add(s01, f32x4.mul(x0, w1));
        const x1 = v128.load32_splat(a1 + tb);
        s10 = f32x4.add(s10, f32x4.mul(x1, w0));
        s11 = f32x4.add(s11, f32x4.mul(x1, w1));
        const x2 = v128.load32_splat(a2 + tb);
        s20 = f32x4.add(s20, f32x4.mul(x2, w0));
        s21 = f32x4.add(s21, f32x4.mul(x2, w1));
        const x3 = v128.load32_splat(a3 + tb);
        s30 = f32x4.add(s30, f32x4.mul(x3, w0));
        s31 = f32x4.add(s31, f32x4.mul(x3, w1));
        w += rowBytes;
      }
      v128.store(c0 + jb, s00);
      v128.store(c0 + jb + 16, s01);
      v128.store(c1 + jb, s10);
      v128.store(c1 + jb + 16, s11);
      v128.store(c2 + jb, s20);
      v128.store(c2 + jb + 16, s21);
      v128.store(c3 + jb, s30);
      v128.store(c3 + jb + 16, s31);
    }
  }
}

/**
 * C_s += A_s · Bt_s for s = 0 … count−1, where tile s of each operand starts `stride` bytes
 * after tile s−1 (a stride of 0 reuses one tile for every s).
 */
export function tilesMultiplyAddF32(
  c: usize,
  cStride: usize,
  a: usize,
  aStride: usize,
  bt: usize,
  btStride: usize,
  count: i32,
  b: i32,
): void {
  for (let s = 0; s < count; s++) {
    tileMultiplyAdd(c + <usize>s * cStride, a + <usize>s * aStride, bt + <usize>s * btStride, b);
  }
}
