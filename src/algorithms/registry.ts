import { MagpieError } from '../core/index.js';
import { makeBlend } from './blend/index.js';
import { bpr } from './bpr/index.js';
import { content } from './content/index.js';
import { ease } from './ease/index.js';
import { hybrid } from './hybrid/index.js';
import { ials } from './ials/index.js';
import { itemKnn } from './itemknn/index.js';
import { popularity } from './popularity/index.js';
import type { Algorithm } from './types.js';

/**
 * Every algorithm the engine can train, by name. Explicit on purpose: adding an algorithm is a
 * one-line, reviewable change here, and nothing is discovered at run time.
 */
export const algorithms: readonly Algorithm[] = [
  popularity,
  itemKnn,
  ials,
  bpr,
  ease,
  content,
  hybrid,
  makeBlend((name) => getAlgorithm(name), (algorithm, params, source) => parseParams(algorithm, params, source)) as unknown as Algorithm,
];

export function getAlgorithm(name: string): Algorithm {
  const found = algorithms.find((a) => a.name === name);
  if (!found) {
    throw new MagpieError('UNKNOWN_ALGORITHM', `no algorithm is named "${name}"`, {
      name,
      known: algorithms.map((a) => a.name),
    });
  }
  return found;
}

/**
 * Validates parameters for `algorithm` and fills in its defaults. Bad input is a
 * VALIDATION_FAILED naming the field (the zod issues are in `details`), not a bare ZodError.
 */
export function parseParams(algorithm: Algorithm, params: unknown, source = 'parameters'): Record<string, unknown> {
  const parsed = algorithm.paramsSchema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new MagpieError('VALIDATION_FAILED', `${source} for ${algorithm.name}: ${field}${issue?.message ?? 'invalid'}`, parsed.error.issues);
}
