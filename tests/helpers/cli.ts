/** Small helpers for the CLI-contract e2e tests (built on harness.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { ErrorOutputSchema } from '../../src/contracts/outputs.js';
import { git, result, RUNR_BIN, type RunrResult } from './harness.js';

/** A fresh, empty, real directory (not a git repository). */
export function tempDir(prefix = 'runr-cli-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Runs the built CLI in any directory (for dirs that are not a TestRepo). */
export async function runrIn(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunrResult> {
  const r = await execa(process.execPath, [RUNR_BIN, ...args], {
    cwd, env: { NO_COLOR: '1', ...env }, reject: false, timeout: timeoutMs, stdin: 'ignore',
  });
  return result(r.exitCode ?? -1, r.stdout, r.stderr);
}

/** No stack trace anywhere in the output. */
export function expectNoStack(r: RunrResult): void {
  expect(r.stderr, r.stderr).not.toMatch(/^\s+at .+/m);
  expect(r.stdout, r.stdout).not.toMatch(/^\s+at .+/m);
}

/**
 * A `--json` error: exactly one JSON line `{"error":{code,message}}` on stdout, the exit code,
 * one human "Error:" line on stderr and no stack trace. Returns the error for further checks.
 */
export function expectJsonError(r: RunrResult, exitCode: number): { code: string; message: string } {
  expect(r.exitCode, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(exitCode);
  const lines = r.stdout.trim().split('\n');
  expect(lines, r.stdout).toHaveLength(1);
  const { error } = ErrorOutputSchema.parse(JSON.parse(lines[0]!));
  expect(error.code).not.toBe('internal_error');
  expect(error.message.length).toBeGreaterThan(0);
  expectNoStack(r);
  return error;
}

/** A human error (no --json): nothing on stdout, one clear line on stderr. */
export function expectHumanError(r: RunrResult, exitCode: number): string {
  expect(r.exitCode, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(exitCode);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/error/i);
  expect(r.stderr).not.toMatch(/internal error/i);
  expectNoStack(r);
  return r.stderr;
}

export { RUN_ID_PATTERN as RUN_ID } from '../../src/store/paths.js';
export const isIsoDate = (s: unknown) => typeof s === 'string' && !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s);

/** A real git repository with `files` committed (no .runr/ at all), for init tests. */
export function plainRepo(files: Record<string, string>, opts: { commit?: boolean } = {}): string {
  const dir = path.join(tempDir('runr-init-'), 'project');
  fs.mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  if (opts.commit !== false) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
  }
  return dir;
}
