import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from './load.js';
import { configSchema } from './schema.js';

/** Every key path of the parsed defaults, e.g. server.port, training.models. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  // Open records (feedback types, model roles) are documented as a whole, not per entry.
  if (prefix === 'feedback.types' || prefix === 'training.models' || prefix === 'serving.surfaces') return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');

  it('documents every configuration key', () => {
    const missing = keyPaths(configSchema.parse({})).filter((p) => !doc.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });

  it('documents every environment variable', () => {
    for (const name of Object.keys(ENV_VARS)) expect(doc).toContain(name);
  });
});
