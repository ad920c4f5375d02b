import { axpy, dot } from './blas.js';

/** out = A · v for the (implicit) SPD matrix A; must not keep references to v or out. */
export type MatVec = (v: Float64Array, out: Float64Array) => void;

/** Reusable buffers for conjugateGradient, so per-row solves inside training allocate nothing. */
export class CgScratch {
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  constructor(readonly n: number) {
    this.r = new Float64Array(n);
    this.p = new Float64Array(n);
    this.ap = new Float64Array(n);
  }
}

/**
 * Conjugate gradient for A x = b with A symmetric positive definite, starting from the x it is
 * given (a warm start: implicit ALS passes last epoch's factor, which is why a few steps suffice,
 * Takács, Pilászy & Tikk 2011). Stops after maxIter steps or when ‖r‖² ≤ tol² ‖b‖².
 * `residual`, when given, is b − A x already computed by the caller (saves one matvec).
 * Returns the number of steps taken.
 */
export function conjugateGradient(
  matvec: MatVec,
  b: Float64Array,
  x: Float64Array,
  maxIter: number,
  tol: number,
  scratch: CgScratch = new CgScratch(b.length),
  residual?: Float64Array,
): number {
  const n = b.length;
  const { r, p, ap } = scratch;
  if (residual) {
    r.set(residual);
  } else {
    matvec(x, ap);
    for (let t = 0; t < n; t++) r[t] = b[t]! - ap[t]!;
  }
  p.set(r);
  let rr = dot(r, 0, r, 0, n);
  const stop = tol * tol * dot(b, 0, b, 0, n);
  let it = 0;
  while (it < maxIter && rr > stop) {
    matvec(p, ap);
    const pap = dot(p, 0, ap, 0, n);
    if (!(pap > 0)) break; // p is (numerically) zero or A lost definiteness: keep x as is.
    const alpha = rr / pap;
    axpy(alpha, p, 0, x, 0, n);
    axpy(-alpha, ap, 0, r, 0, n);
    const rrNext = dot(r, 0, r, 0, n);
    const beta = rrNext / rr;
    for (let t = 0; t < n; t++) p[t] = r[t]! + beta * p[t]!;
    rr = rrNext;
    it++;
  }
  return it;
}
