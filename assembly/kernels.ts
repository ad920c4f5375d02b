// Magpie's hot numeric kernels in AssemblyScript, compiled to WASM with SIMD at build time
// (npm run build:wasm). Every kernel has a plain-TypeScript reference in src/math or
// src/algorithms that tests compare it against. All matrices are row-major; pointers are byte
// offsets into this module's memory, laid out by the TypeScript side (src/math/wasm).

// ---- f32 scoring ------------------------------------------------------------------------------

@inline function hsum4(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** out[i] = Σ_t y[i, t] · u[t] for an n×k f32 matrix y: the scoring loop of the factor models. */
export function scoreF32(y: usize, n: i32, k: i32, u: usize, out: usize): void {
  const k4 = k & ~3;
  const rowBytes = <usize>k << 2;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = y + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    for (let t = 0; t < k4; t += 4) {
      const o = <usize>t << 2;
      const ut = v128.load(u + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(r0 + o), ut));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(r1 + o), ut));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(r2 + o), ut));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(r3 + o), ut));
    }
    let s0 = hsum4(a0);
    let s1 = hsum4(a1);
    let s2 = hsum4(a2);
    let s3 = hsum4(a3);
    for (let t = k4; t < k; t++) {
      const o = <usize>t << 2;
      const ut = load<f32>(u + o);
      s0 += load<f32>(r0 + o) * ut;
      s1 += load<f32>(r1 + o) * ut;
      s2 += load<f32>(r2 + o) * ut;
      s3 += load<f32>(r3 + o) * ut;
    }
    const oi = out + (<usize>i << 2);
    store<f32>(oi, s0);
    store<f32>(oi + 4, s1);
    store<f32>(oi + 8, s2);
    store<f32>(oi + 12, s3);
  }
  for (; i < n; i++) {
    const r = y + <usize>i * rowBytes;
    let a = f32x4.splat(0);
    for (let t = 0; t < k4; t += 4) a = f32x4.add(a, f32x4.mul(v128.load(r + (<usize>t << 2)), v128.load(u + (<usize>t << 2))));
    let s = hsum4(a);
    for (let t = k4; t < k; t++) s += load<f32>(r + (<usize>t << 2)) * load<f32>(u + (<usize>t << 2));
    store<f32>(out + (<usize>i << 2), s);
  }
}

// ---- f32 dense helpers of the ALS solves -----------------------------------------------------

/** out[t] += Σ_r w[r] · g[r, t] for an m×k f32 matrix g. */
export function addTransposedMatVecF32(g: usize, m: i32, k: i32, w: usize, out: usize): void {
  const k4 = k & ~3;
  const rowBytes = <usize>k << 2;
  for (let r = 0; r < m; r++) {
    const row = g + <usize>r * rowBytes;
    const wr = load<f32>(w + (<usize>r << 2));
    const ws = f32x4.splat(wr);
    for (let t = 0; t < k4; t += 4) {
      const o = <usize>t << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), f32x4.mul(ws, v128.load(row + o))));
    }
    for (let t = k4; t < k; t++) {
      const o = <usize>t << 2;
      store<f32>(out + o, load<f32>(out + o) + wr * load<f32>(row + o));
    }
  }
}

@inline function dotF32(a: usize, b: usize, n: i32): f32 {
  const n4 = n & ~3;
  let acc = f32x4.splat(0);
  for (let t = 0; t < n4; t += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>t << 2)), v128.load(b + (<usize>t << 2))));
  let s = hsum4(acc);
  for (let t = n4; t < n; t++) s += load<f32>(a + (<usize>t << 2)) * load<f32>(b + (<usize>t << 2));
  return s;
}

// ---- Gram matrices (f64 accumulation) ------------------------------------------------------------

/**
 * out = Yᵀ·diag(w)·Y (k×k f64, full) for an n×k f32 matrix Y; w = 0 means all weights 1.
 * The upper triangle is accumulated row by row of Y, then mirrored.
 */
export function gramF32(y: usize, n: i32, k: i32, w: usize, out: usize): void {
  memory.fill(out, 0, <usize>k * <usize>k << 3);
  const rowBytes = <usize>k << 2;
  for (let r = 0; r < n; r++) {
    const row = y + <usize>r * rowBytes;
    const d: f64 = w == 0 ? 1.0 : load<f64>(w + (<usize>r << 3));
    for (let a = 0; a < k; a++) {
      const ya = d * <f64>load<f32>(row + (<usize>a << 2));
      if (ya == 0) continue;
      const ys = f64x2.splat(ya);
      const outRow = out + (<usize>a * <usize>k << 3);
      let b = a;
      for (; b + 1 < k; b += 2) {
        // two f32 of Y's row, widened to f64
        const yb = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>b << 2)));
        const o = outRow + (<usize>b << 3);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(ys, yb)));
      }
      if (b < k) {
        const o = outRow + (<usize>b << 3);
        store<f64>(o, load<f64>(o) + ya * <f64>load<f32>(row + (<usize>b << 2)));
      }
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < a; b++) {
      store<f64>(out + ((<usize>a * <usize>k + <usize>b) << 3), load<f64>(out + ((<usize>b * <usize>k + <usize>a) << 3)));
    }
  }
}

// ---- one ALS half-step with warm-started conjugate gradient -------------------------------------
// In f32 throughout (as the factors are stored): f32x4 does twice the work of f64x2 per
// instruction, and a few warm-started CG steps do not need more precision than the result keeps.

// Scratch of the current row, set up by alsHalfStep.
let sK: i32 = 0;
let sGram: usize = 0;
let sLocal: usize = 0;
let sConf: usize = 0;
let sProj: usize = 0;
let sCount: i32 = 0;
let sLambda: f32 = 0;
let sGramScale: f32 = 1;

/**
 * out = (gramScale·G + λI + Yᵣᵀ C Yᵣ) v for the current row. G is symmetric, so its row t is
 * its column t: the product is accumulated as Σ_t v_t·G[t, ·] + Σ_e (c_e y_e·v)·y_e in
 * "axpy" form, 16 outputs at a time held in four registers, so each output chunk is stored once
 * instead of once per term (the loop that dominates an iALS epoch).
 */
function rowMatVec(v: usize, out: usize): void {
  const k = sK;
  const kb = <usize>k << 2;
  const count = sCount;
  for (let e = 0; e < count; e++) {
    const o = <usize>e << 2;
    store<f32>(sProj + o, load<f32>(sConf + o) * dotF32(sLocal + <usize>e * kb, v, k));
  }
  const gs = sGramScale;
  const lam = f32x4.splat(sLambda);
  let c = 0;
  for (; c + 16 <= k; c += 16) {
    const cb = <usize>c << 2;
    let a0 = f32x4.mul(lam, v128.load(v + cb));
    let a1 = f32x4.mul(lam, v128.load(v + cb + 16));
    let a2 = f32x4.mul(lam, v128.load(v + cb + 32));
    let a3 = f32x4.mul(lam, v128.load(v + cb + 48));
    let row = sGram + cb;
    for (let t = 0; t < k; t++) {
      const s = f32x4.splat(gs * load<f32>(v + (<usize>t << 2)));
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(row)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(row + 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(row + 32)));
      a3 = f32x4.add(a3, f32x4.mul(s, v128.load(row + 48)));
      row += kb;
    }
    row = sLocal + cb;
    for (let e = 0; e < count; e++) {
      const s = f32x4.splat(load<f32>(sProj + (<usize>e << 2)));
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(row)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(row + 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(row + 32)));
      a3 = f32x4.add(a3, f32x4.mul(s, v128.load(row + 48)));
      row += kb;
    }
    v128.store(out + cb, a0);
    v128.store(out + cb + 16, a1);
    v128.store(out + cb + 32, a2);
    v128.store(out + cb + 48, a3);
  }
  for (; c + 4 <= k; c += 4) {
    const cb = <usize>c << 2;
    let a = f32x4.mul(lam, v128.load(v + cb));
    for (let t = 0; t < k; t++) {
      a = f32x4.add(a, f32x4.mul(f32x4.splat(gs * load<f32>(v + (<usize>t << 2))), v128.load(sGram + <usize>t * kb + cb)));
    }
    for (let e = 0; e < count; e++) {
      a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(sProj + (<usize>e << 2))), v128.load(sLocal + <usize>e * kb + cb)));
    }
    v128.store(out + cb, a);
  }
  for (; c < k; c++) {
    const cb = <usize>c << 2;
    let a = sLambda * load<f32>(v + cb);
    for (let t = 0; t < k; t++) a += gs * load<f32>(v + (<usize>t << 2)) * load<f32>(sGram + <usize>t * kb + cb);
    for (let e = 0; e < count; e++) a += load<f32>(sProj + (<usize>e << 2)) * load<f32>(sLocal + <usize>e * kb + cb);
    store<f32>(out + cb, a);
  }
}

/** y += alpha·x over n f32 (SIMD over whole groups of four, then the tail). */
@inline function axpyF32(alpha: f32, x: usize, y: usize, n: i32): void {
  const a = f32x4.splat(alpha);
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const o = <usize>t << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(a, v128.load(x + o))));
  }
  for (; t < n; t++) {
    const o = <usize>t << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/**
 * Solves rows [rowStart, rowEnd) of a CSR matrix (indptr i32, indices i32, values f32 confidences):
 * (gramScale_r·G + Σ_j c_rj y_j y_jᵀ + λ_r I) x_r = Σ_j c_rj y_j, by `cgSteps` conjugate-gradient
 * steps warm-started from target's current row; fixed (f32) holds the y_j, target (f32) the x_r,
 * gram is k×k f32, lambdas and gramScales (0 = all 1) f64 per row.
 * scratch must hold (maxRow·k + 2·maxRow + 6·k) f32. Mirrors solveHalfStep in
 * src/algorithms/ials/half-step.ts (which works in f64).
 */
export function alsHalfStep(
  rowStart: i32,
  rowEnd: i32,
  indptr: usize,
  indices: usize,
  values: usize,
  fixed: usize,
  target: usize,
  k: i32,
  gram: usize,
  lambdas: usize,
  gramScales: usize,
  cgSteps: i32,
  maxRow: i32,
  scratch: usize,
): void {
  const kb = <usize>k << 2;
  sK = k;
  sGram = gram;
  sLocal = scratch;
  sConf = sLocal + <usize>maxRow * kb;
  sProj = sConf + (<usize>maxRow << 2);
  // 16-byte aligned vectors for the SIMD loads
  const x = (sProj + (<usize>maxRow << 2) + 15) & ~15;
  const kbAligned = (kb + 15) & ~15;
  const b = x + kbAligned;
  const r = b + kbAligned;
  const p = r + kbAligned;
  const ap = p + kbAligned;
  for (let row = rowStart; row < rowEnd; row++) {
    const start = load<i32>(indptr + (<usize>row << 2));
    const end = load<i32>(indptr + (<usize>(row + 1) << 2));
    sLambda = <f32>load<f64>(lambdas + (<usize>row << 3));
    sGramScale = gramScales == 0 ? 1.0 : <f32>load<f64>(gramScales + (<usize>row << 3));
    sCount = end - start;
    memory.fill(b, 0, kb);
    for (let e = 0; e < sCount; e++) {
      const src = fixed + (<usize>load<i32>(indices + (<usize>(start + e) << 2)) * kb);
      const c = load<f32>(values + (<usize>(start + e) << 2));
      store<f32>(sConf + (<usize>e << 2), c);
      memory.copy(sLocal + <usize>e * kb, src, kb);
      axpyF32(c, src, b, k);
    }
    const tRow = target + <usize>row * kb;
    memory.copy(x, tRow, kb);
    // r = b − A·x (warm start), p = r
    rowMatVec(x, ap);
    for (let t = 0; t < k; t++) {
      const o = <usize>t << 2;
      const rv = load<f32>(b + o) - load<f32>(ap + o);
      store<f32>(r + o, rv);
      store<f32>(p + o, rv);
    }
    let rr = dotF32(r, r, k);
    for (let it = 0; it < cgSteps && rr > 0; it++) {
      rowMatVec(p, ap);
      const pap = dotF32(p, ap, k);
      if (!(pap > 0)) break;
      const alpha = rr / pap;
      axpyF32(alpha, p, x, k);
      axpyF32(-alpha, ap, r, k);
      const rrNext = dotF32(r, r, k);
      const beta = rrNext / rr;
      // p = r + beta·p
      const bs = f32x4.splat(beta);
      let t = 0;
      for (; t + 4 <= k; t += 4) {
        const o = <usize>t << 2;
        v128.store(p + o, f32x4.add(v128.load(r + o), f32x4.mul(bs, v128.load(p + o))));
      }
      for (; t < k; t++) {
        const o = <usize>t << 2;
        store<f32>(p + o, load<f32>(r + o) + beta * load<f32>(p + o));
      }
      rr = rrNext;
    }
    memory.copy(tRow, x, kb);
  }
}

export * from './dense';
export * from './quantized';
