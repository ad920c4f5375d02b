import { CommanderError, type Command } from 'commander';
import { vi } from 'vitest';
import type { EngineFactory } from '../engine-port.js';
import { buildProgram } from '../program.js';

/** Commander's exit override is per command: set it on every level, so errors throw here. */
function throwingErrors(cmd: Command): Command {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwingErrors(sub);
  return cmd;
}

/**
 * Runs the CLI in-process on the given engine factory, returning what it printed and its exit
 * code (a usage error's; errors of the command itself are thrown to the caller).
 */
export async function runInProcess(createEngine: EngineFactory, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  let exitCode = 0;
  try {
    await throwingErrors(buildProgram(createEngine)).parseAsync(['node', 'magpie', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exitCode = e.exitCode;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr, exitCode };
}
