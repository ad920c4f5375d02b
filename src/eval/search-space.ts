import { MagpieError, Rng } from '../core/index.js';
import type { SearchDimension, SearchSpace } from '../algorithms/index.js';

/** Sampled floats keep this many significant digits, so a parameter line stays readable. */
const FLOAT_DIGITS = 3;

/**
 * Throws VALIDATION_FAILED naming the first dimension that cannot be sampled: an empty or
 * inverted range, a log range that reaches 0, a step that does not divide the range, or a
 * choice without values.
 */
export function checkSearchSpace(space: SearchSpace): void {
  for (const [name, dim] of dimensions(space)) {
    const bad = (reason: string): MagpieError =>
      new MagpieError('VALIDATION_FAILED', `search space "${name}": ${reason}`, { parameter: name, reason });
    if (dim.kind === 'choice') {
      if (dim.values.length === 0) throw bad('a choice needs at least one value');
      continue;
    }
    if (!Number.isFinite(dim.min) || !Number.isFinite(dim.max) || dim.min > dim.max) {
      throw bad(`min ${dim.min} and max ${dim.max} do not form a range`);
    }
    if (dim.log && dim.min <= 0) throw bad('a log-scaled range needs min > 0');
    if (dim.kind === 'int') {
      const step = dim.step ?? 1;
      if (!Number.isInteger(dim.min) || !Number.isInteger(dim.max)) throw bad('an int range needs integer bounds');
      if (!Number.isInteger(step) || step < 1 || dim.min % step !== 0 || dim.max % step !== 0) {
        throw bad(`step ${step} must be a positive integer dividing min and max`);
      }
    }
  }
}

/**
 * One random point of the space: every dimension drawn once, in the space's key order, so a
 * seeded Rng gives the same sequence of points on every run.
 */
export function sampleParams(space: SearchSpace, rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, dim] of dimensions(space)) out[name] = sampleDimension(dim, rng);
  return out;
}

/** `count` points from a PRNG seeded with `seed` (checked first). */
export function sampleSearchSpace(space: SearchSpace, count: number, seed: number): Record<string, unknown>[] {
  checkSearchSpace(space);
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => sampleParams(space, rng));
}

/** The space without the given parameters (they are pinned, not searched). */
export function withoutParams(space: SearchSpace, pinned: Iterable<string>): SearchSpace {
  const out: Record<string, SearchDimension> = Object.fromEntries(dimensions(space));
  for (const name of pinned) delete out[name];
  return out;
}

function sampleDimension(dim: SearchDimension, rng: Rng): unknown {
  switch (dim.kind) {
    case 'choice':
      return dim.values[rng.int(dim.values.length)];
    case 'float': {
      const x = dim.log ? logUniform(dim.min, dim.max, rng) : dim.min + rng.next() * (dim.max - dim.min);
      return clamp(Number(x.toPrecision(FLOAT_DIGITS)), dim.min, dim.max);
    }
    case 'int': {
      // Integers on the grid min, min+step, …, max; each owns the half-step either side of it,
      // so the grid's ends are as likely as its middle (linear) or as their log width (log).
      // A log range has min ≥ step, so lo > 0.
      const step = dim.step ?? 1;
      const lo = dim.min - step / 2;
      const hi = dim.max + step / 2;
      const x = dim.log ? logUniform(lo, hi, rng) : lo + rng.next() * (hi - lo);
      return clamp(Math.round(x / step) * step, dim.min, dim.max);
    }
  }
}

function logUniform(min: number, max: number, rng: Rng): number {
  return Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min)));
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function dimensions(space: SearchSpace): [string, SearchDimension][] {
  return Object.entries(space).filter((e): e is [string, SearchDimension] => e[1] !== undefined);
}
