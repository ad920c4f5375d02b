import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MagpieError } from '../core/index.js';
import { deepMerge, isPlainObject } from './merge.js';
import { configSchema, type MagpieConfig, type MagpieConfigInput } from './schema.js';

export { deepMerge };

/** Environment variables the engine reads (this module is the only reader of process.env). */
export const ENV_VARS = {
  MAGPIE_CONFIG: 'Path of a JSON configuration file.',
  MAGPIE_PORT: 'server.port',
  MAGPIE_HOST: 'server.host',
  MAGPIE_STORAGE_URL: 'storage.url',
  MAGPIE_LOG_LEVEL: 'server.logLevel',
} as const;

export const DEFAULT_CONFIG_FILE = 'magpie.config.json';

export interface LoadConfigOptions {
  /** A config file path; otherwise $MAGPIE_CONFIG, otherwise ./magpie.config.json if present. */
  file?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Applied last (CLI flags). */
  overrides?: MagpieConfigInput;
  cwd?: string;
}

/** Defaults ← config file ← environment ← overrides, validated as a whole. */
export function loadConfig(opts: LoadConfigOptions = {}): MagpieConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.file ?? env.MAGPIE_CONFIG;
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, DEFAULT_CONFIG_FILE);
  let fromFile: unknown = {};
  if (explicit || existsSync(path)) {
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new MagpieError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`);
    }
    // deepMerge would silently replace a non-object (null, an array, a string) with the env layer.
    if (!isPlainObject(fromFile)) throw new MagpieError('CONFIG_INVALID', `config file ${path} must hold a JSON object`);
  }
  const merged = deepMerge(deepMerge(fromFile, fromEnv(env)), opts.overrides ?? {});
  return parseConfig(merged);
}

const PARSED = Symbol.for('magpie.config.parsed');

/**
 * Validates and fills defaults. Parsing is not idempotent (model roles merge over the defaults,
 * so a removed role would come back), hence a parsed config is marked and passed through as is.
 */
export function parseConfig(input: unknown): MagpieConfig {
  if (typeof input === 'object' && input !== null && PARSED in input) return input as unknown as MagpieConfig;
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    // An unknown key is reported on its parent object (the root's path is ""); name the key itself.
    const details = parsed.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((key) => ({ path: [...i.path, key].join('.'), message: `unknown key "${key}"` }))
        : [{ path: i.path.join('.'), message: i.message }],
    );
    const first = details[0];
    throw new MagpieError('CONFIG_INVALID', `invalid configuration${first ? ` at ${first.path}: ${first.message}` : ''}`, details);
  }
  Object.defineProperty(parsed.data, PARSED, { value: true, enumerable: false });
  return parsed.data;
}

function fromEnv(env: Record<string, string | undefined>): MagpieConfigInput {
  const server: Record<string, unknown> = {};
  if (env.MAGPIE_PORT) server.port = Number(env.MAGPIE_PORT);
  if (env.MAGPIE_HOST) server.host = env.MAGPIE_HOST;
  if (env.MAGPIE_LOG_LEVEL) server.logLevel = env.MAGPIE_LOG_LEVEL;
  const out: Record<string, unknown> = {};
  if (Object.keys(server).length) out.server = server;
  if (env.MAGPIE_STORAGE_URL) out.storage = { url: env.MAGPIE_STORAGE_URL };
  return out as MagpieConfigInput;
}

