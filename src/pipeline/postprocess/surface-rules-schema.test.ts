import { describe, expect, it } from 'vitest';
import { surfaceRulesSchema } from '../../config/index.js';

// The config schema lives in src/config (one file, no tests of its own there by the brief);
// its docs are generated from .describe(), so every field must carry one.
type Def = { type: string; shape?: Record<string, Schema>; innerType?: Schema; element?: Schema; options?: Schema[] };
type Schema = { description?: string; _zod: { def: Def } };

function undescribed(s: Schema, path: string, isField: boolean, out: string[]): string[] {
  const def = s._zod.def;
  if (isField && !s.description) out.push(path);
  if (def.type === 'object') for (const [k, v] of Object.entries(def.shape!)) undescribed(v, `${path}.${k}`, true, out);
  else if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') undescribed(def.innerType!, path, false, out);
  else if (def.type === 'array') undescribed(def.element!, `${path}[]`, false, out);
  else if (def.type === 'union') def.options!.forEach((o, i) => undescribed(o, `${path}|${i}`, false, out));
  return out;
}

describe('surface rules schema', () => {
  it('describes every field', () => {
    expect(undescribed(surfaceRulesSchema as unknown as Schema, 'rules', true, [])).toEqual([]);
  });

  it('fills defaults that turn every step off', () => {
    expect(surfaceRulesSchema.parse({})).toEqual({
      rules: [],
      freshness: { weight: 0, halfLifeDays: 7, mode: 'multiply' },
      diversity: { lambda: 1 },
    });
  });

  it('parses the documented example', () => {
    const parsed = surfaceRulesSchema.parse({
      rules: [
        { type: 'boost', when: 'tags contains "staff-pick"', factor: 1.5 },
        { type: 'bury', when: 'kind = "short"', factor: 0.5 },
        { type: 'pin', item: 'sku-42', position: 1, reason: 'featured' },
        { type: 'require', when: 'kind != "trailer"' },
        { type: 'exclude', when: 'age_days > 3650' },
      ],
      freshness: { weight: 0.3, halfLifeDays: 3 },
      diversity: { lambda: 0.7, categoryCap: { max: 2, window: 5 } },
      exploration: { slots: [3], every: 10, source: 'fresh', reason: 'new for you' },
    });
    expect(parsed.rules[0]).toEqual({ type: 'boost', when: 'tags contains "staff-pick"', factor: 1.5, mode: 'multiply' });
    expect(parsed.exploration).toEqual({ slots: [3], every: 10, source: 'fresh', reason: 'new for you' });
  });
});
