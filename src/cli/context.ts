import path from 'node:path';
import { usageError, RunrError } from '../engine/errors.js';
import { EXIT } from '../engine/exit-codes.js';
import { findRepoRoot } from '../git/find-root.js';
import { resolveRun } from '../store/list-runs.js';

export async function resolveRepo(repo: string | undefined): Promise<string> {
  const dir = path.resolve(repo ?? '.');
  const root = findRepoRoot(dir);
  if (!root) throw usageError('not_a_git_repo', `${dir} is not inside a git repository (runr needs git; try "git init" or --repo <path>)`);
  return root;
}

export async function resolveRunArg(repo: string | undefined, runId: string): Promise<{ repoRoot: string; runId: string; runDir: string }> {
  const repoRoot = await resolveRepo(repo);
  const found = resolveRun(repoRoot, runId);
  if (!found.ok) throw new RunrError('run_not_found', found.message, EXIT.notFound);
  return { repoRoot, runId: found.runId, runDir: found.runDir };
}

/** Parses a numeric flag, refusing anything that is not a positive number. */
export function positiveNumber(flag: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw usageError('invalid_option', `${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  }
  return n;
}
