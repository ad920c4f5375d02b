// Kernels of the int8-quantised exact scan (src/math/ann/quantized-index.ts): a cheap pass over
// int8 item codes ranks every item approximately, then the few candidates are re-scored in f32
// with exactly the arithmetic of scoreF32 (kernels.ts). The plain-TypeScript references are in
// src/math/wasm/quantized-reference.ts; src/math/wasm/quantized-scorer.ts lays out the memory.

@inline function hsumI32(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + (i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3));
}

@inline function hsumF32(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * acc + the i32 dot products of 16 int8 codes at `row` with 16 int16 query values: two loads
 * that sign-extend 8 codes to i16 each (one instruction on x86, where extending the high half
 * of a 16-byte load takes two), multiplied and pair-summed into i32 lanes.
 */
@inline function dot16(acc: v128, row: usize, ql: v128, qh: v128): v128 {
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(v128.load8x8_s(row), ql));
  return i32x4.add(acc, i32x4.dot_i16x8_s(v128.load8x8_s(row, 8), qh));
}

/**
 * out[i] = f32(Σ_t codes[i, t] · q[t]) · scales[i] · qScale for n rows of kp int8 codes
 * (kp a multiple of 16, rows padded with zeros) and an int16 query of length kp. The integer
 * sum is exact as long as 127 · max|q| · kp < 2³¹ (the caller picks the query's range so).
 * Four rows at a time share each query load; the products widen i8 → i16 and pair-sum into i32.
 */
export function scoreI8(codes: usize, n: i32, kp: i32, q: usize, scales: usize, qScale: f32, out: usize): void {
  const rowBytes = <usize>kp;
  const qs = f32x4.splat(qScale);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = codes + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let a2 = i32x4.splat(0);
    let a3 = i32x4.splat(0);
    for (let t = 0; t < kp; t += 16) {
      const qt = q + (<usize>t << 1);
      const ql = v128.load(qt);
      const qh = v128.load(qt + 16);
      const o = <usize>t;
      a0 = dot16(a0, r0 + o, ql, qh);
      a1 = dot16(a1, r1 + o, ql, qh);
      a2 = dot16(a2, r2 + o, ql, qh);
      a3 = dot16(a3, r3 + o, ql, qh);
    }
    // The four row sums as one vector (a 4×4 transpose-add), then scaled to f32 together.
    const p01 = i32x4.add(v128.shuffle<i32>(a0, a1, 0, 1, 4, 5), v128.shuffle<i32>(a0, a1, 2, 3, 6, 7));
    const p23 = i32x4.add(v128.shuffle<i32>(a2, a3, 0, 1, 4, 5), v128.shuffle<i32>(a2, a3, 2, 3, 6, 7));
    const sums = i32x4.add(v128.shuffle<i32>(p01, p23, 0, 2, 4, 6), v128.shuffle<i32>(p01, p23, 1, 3, 5, 7));
    const scaled = f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(sums), v128.load(scales + (<usize>i << 2))), qs);
    v128.store(out + (<usize>i << 2), scaled);
  }
  for (; i < n; i++) {
    const r = codes + <usize>i * rowBytes;
    let a = i32x4.splat(0);
    for (let t = 0; t < kp; t += 16) {
      const qt = q + (<usize>t << 1);
      a = dot16(a, r + <usize>t, v128.load(qt), v128.load(qt + 16));
    }
    store<f32>(out + (<usize>i << 2), <f32>hsumI32(a) * load<f32>(scales + (<usize>i << 2)) * qScale);
  }
}

/**
 * out[r] = Σ_t y[rows[r], t] · u[t] for the m listed rows of an n×k f32 matrix y, with the very
 * operations (four-lane partial sums, the same horizontal sum, the same scalar tail) of
 * scoreF32, so a re-scored item gets the bit-identical score a full scan gives it.
 */
export function scoreRowsF32(y: usize, k: i32, rows: usize, m: i32, u: usize, out: usize): void {
  const k4 = k & ~3;
  const rowBytes = <usize>k << 2;
  for (let j = 0; j < m; j++) {
    const r = y + <usize>load<i32>(rows + (<usize>j << 2)) * rowBytes;
    let a = f32x4.splat(0);
    for (let t = 0; t < k4; t += 4) a = f32x4.add(a, f32x4.mul(v128.load(r + (<usize>t << 2)), v128.load(u + (<usize>t << 2))));
    let s = hsumF32(a);
    for (let t = k4; t < k; t++) s += load<f32>(r + (<usize>t << 2)) * load<f32>(u + (<usize>t << 2));
    store<f32>(out + (<usize>j << 2), s);
  }
}

/**
 * Writes the indices i < n with lo < scores[i] ≤ hi to out (in increasing order) and answers
 * how many: the candidates above a threshold, four comparisons per instruction.
 */
export function collectBetween(scores: usize, n: i32, lo: f32, hi: f32, out: usize): i32 {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let m = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const v = v128.load(scores + (<usize>i << 2));
    const mask = i32x4.bitmask(v128.and(f32x4.gt(v, vlo), f32x4.le(v, vhi)));
    if (mask == 0) continue;
    for (let lane = 0; lane < 4; lane++) {
      if ((mask >> lane) & 1) {
        store<i32>(out + (<usize>m << 2), i + lane);
        m++;
      }
    }
  }
  for (; i < n; i++) {
    const s = load<f32>(scores + (<usize>i << 2));
    if (s > lo && s <= hi) {
      store<i32>(out + (<usize>m << 2), i);
      m++;
    }
  }
  return m;
}
