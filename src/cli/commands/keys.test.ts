import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, hashApiKey, parseConfig } from '../../config/index.js';
import { testEngine } from '../../server/testing/engine.js';
import { runInProcess } from '../testing/run-in-process.js';

const noEngine = async () => {
  throw new Error('keys needs no engine');
};

/** Runs the CLI in-process, returning what it printed and its exit code. */
function magpie(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return runInProcess(noEngine, args);
}

describe('magpie keys create', () => {
  it('prints a new key once and the entry with its hash, never the key in the entry', async () => {
    const r = await magpie('keys', 'create', '--name', 'web-shop', '--role', 'read', '--json');
    expect(r.exitCode).toBe(0);
    const { key, entry } = JSON.parse(r.stdout);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(entry).toEqual({ name: 'web-shop', role: 'read', hash: hashApiKey(key) });
    expect(JSON.stringify(entry)).not.toContain(key.slice(4));
    const again = JSON.parse((await magpie('keys', 'create', '--name', 'web-shop', '--role', 'read', '--json')).stdout);
    expect(again.key).not.toBe(key);
  });

  it('prints a readable form whose entry pastes into the configuration and admits the key', async () => {
    const r = await magpie('keys', 'create', '--name', 'ops', '--role', 'admin', '--rate-limit', '120');
    expect(r.exitCode).toBe(0);
    const key = /^\s+(mgp_\S+)$/m.exec(r.stdout)?.[1];
    const entryLine = /^\s+(\{.*\})$/m.exec(r.stdout)?.[1];
    expect(key).toMatch(API_KEY_PATTERN);
    const entry = JSON.parse(entryLine!);
    expect(entry).toMatchObject({ name: 'ops', role: 'admin', rateLimitPerMinute: 120 });
    expect(parseConfig({ server: { auth: { keys: [entry] } } }).server.auth.keys).toEqual([entry]);

    const { engine, app } = await testEngine({ server: { auth: { keys: [entry] } } });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/status', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/status' })).statusCode).toBe(401);
    } finally {
      await engine.close();
    }
  });

  it('refuses an unknown role, a bad name, a bad limit and a missing option', async () => {
    for (const args of [
      ['--name', 'x', '--role', 'root'],
      ['--name', 'has space', '--role', 'read'],
      ['--name', 'x', '--role', 'read', '--rate-limit', '0'],
      ['--role', 'read'],
    ]) {
      const r = await magpie('keys', 'create', ...args);
      expect(r.exitCode, args.join(' ')).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/error/);
    }
  });
});
